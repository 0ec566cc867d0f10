"""A list feature works on the entity the request named it with: "rehearsals sorted by date" sorts the
rehearsals (by date), while search stays on the songs the request called searchable."""

from __future__ import annotations

from grokorc_assets.planning.entities import extract_request
from grokorc_assets.planning.inference import infer_plan
from grokorc_tests.generation_tests.plans import CHOIR


def test_each_list_feature_is_anchored_to_the_entity_named_with_it() -> None:
    assert extract_request(CHOIR).anchors == {"search": "song", "sort": "rehearsal"}
    assert extract_request("Eine App für die Bibliothek: Bücher mit Titel und Autor, Mitglieder mit Name. "
                           "Mitglieder nach Name sortieren.").anchors == {"sort": "mitglied"}
    # Far from any entity, a feature works on the main entity as before.
    assert extract_request("Books with title, author and price, search and sort").anchors == {}


def test_the_plan_and_its_criteria_follow_the_anchor() -> None:
    plan = infer_plan(CHOIR)
    assert plan.roles["main"] == "song" and plan.roles["sort"] == "rehearsal" and "search" not in plan.roles
    by_feature = {c.feature: c for c in plan.acceptance}
    assert by_feature["sort"].entity == "rehearsal" and "sorted by date" in by_feature["sort"].text
    assert by_feature["search"].entity == "song"


def test_the_ui_puts_each_control_on_its_entitys_page(generated) -> None:
    site = generated("choir").project / "frontend" / "pages"
    songs, rehearsals = (site / "songs.html").read_text(), (site / "rehearsals.html").read_text()
    assert 'data-feature="search"' in songs and 'data-feature="sort"' not in songs
    assert 'data-feature="sort"' in rehearsals and 'data-feature="search"' not in rehearsals
    assert 'value="date"' in rehearsals  # sorted by date, ascending first
