"""A feature works on the entity the request named it with: "rehearsals sorted by date" sorts the
rehearsals (by date), while search stays on the songs the request called searchable; "comment on harvest
logs" puts the comments under the harvest logs, not under the plants the project is about."""

from __future__ import annotations

from grokorc_assets.planning.entities import extract_request
from grokorc_assets.planning.inference import infer_plan
from grokorc_tests.generation_tests.plans import CHOIR, GARDEN


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


def test_comments_ratings_and_votes_follow_the_entity_they_were_asked_for() -> None:
    plan = infer_plan(GARDEN)
    assert plan.roles["main"] == "plant" and plan.roles["comments"] == "harvest" and "ratings" not in plan.roles
    by_feature = {c.feature: c.entity for c in plan.acceptance}
    assert by_feature["comments"] == "harvest" and by_feature["ratings"] == "plant"
    # The subject before a verb is who acts, the object after it what the feature works on.
    assert extract_request("Book club: books with title, meetings with date. Members rate books.").anchors == {
        "ratings": "book"}
    recipes = extract_request("Recipes with title and cooking time, and chefs with name. Visitors can vote on "
                              "chefs and comment on recipes.")
    assert recipes.anchors == {"votes": "chef", "comments": "recipe"}


def test_the_back_end_and_ui_serve_comments_where_they_were_asked_for(generated) -> None:
    gen = generated("garden")
    paths = {(e.method, e.path) for e in gen.backend.endpoints}
    assert ("POST", "/api/harvests/{item_id}/comments") in paths and ("POST", "/api/plants/{item_id}/ratings") in paths
    assert not any(path.startswith("/api/plants/{item_id}/comments") for _, path in paths)
    site = gen.project / "frontend"
    harvests, plants = (site / "pages" / "harvests.html").read_text(), (site / "pages" / "plants.html").read_text()
    assert 'data-feature="comments"' in harvests and "data-comments" in harvests
    assert 'data-feature="comments"' not in plants and "data-rating" in plants and "data-rating" not in harvests
    assert "/api/harvests/{id}/comments" in (site / "api.js").read_text()


def test_a_user_comments_on_a_harvest_log_in_chromium(generated, browser) -> None:
    """Tried as a user would: add a harvest log with the page's form, open its comments from its row, write
    one; it is listed under that log (the request's "comment on harvest logs")."""
    from grokorc_assets.serve import served_project

    gen = generated("garden")
    with served_project(gen.project) as app:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/harvests.html")
        page.get_by_label("Name (required)").fill("June tomatoes")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("button", name="Comments on June tomatoes").click()
        page.get_by_label("Your comment").fill("Best crop so far")
        page.get_by_role("button", name="Add comment").click()
        page.locator("[data-comment-list] li").filter(has_text="Best crop so far").wait_for()
        assert "June tomatoes" in page.locator("[data-comments-target]").inner_text()
        context.close()
        assert errors == []
