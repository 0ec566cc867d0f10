"""The UI's message catalogue (ui_text.yaml): complete in every language, placeholders that agree, and
every id the generators, templates and scripts use present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grokorc_assets.generation import ui_text
from grokorc_assets.generation.render import TEMPLATES
from grokorc_assets.generation.ui_text import LANGUAGES, catalogue, placeholders, script_text, text
from grokorc_assets.planning.acceptance import feature_table

GENERATION = Path(ui_text.__file__).parent
# Which catalogue sections each script gets (frontend.py passes the same to script_text).
SCRIPT_SECTIONS = {"app.js.j2": ("js", "app_js"), "game.js.j2": ("js", "game_js"), "api.js.j2": ("api_js",)}
_ID = r"([a-z][a-z0-9_]*\.[a-z0-9_.]+)"


def test_every_message_has_every_language_with_the_same_placeholders() -> None:
    assert len(catalogue()) > 100
    for key, texts in catalogue().items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", key), key
        assert tuple(texts) == LANGUAGES, key
        assert all(isinstance(t, str) and t.strip() == t and t for t in texts.values()), key
        english = placeholders(texts["en"])
        assert not english & {"key", "language"}, key  # text(key, language, **values) takes those itself
        assert {lang: placeholders(t) for lang, t in texts.items()} == dict.fromkeys(LANGUAGES, english), key


def test_no_message_carries_markup() -> None:
    # Templates escape the messages; markup here would show as text (or, unescaped, be an injection).
    assert not [key for key, texts in catalogue().items() for t in texts.values() if re.search(r"[<>&]", t)]


def test_french_keeps_its_no_break_spaces() -> None:
    for key, texts in catalogue().items():
        assert not re.search(r" [:;!?»]|« ", texts["fr"]), key


def test_every_feature_is_named_and_english_is_the_feature_tables_label() -> None:
    for key, feature in feature_table().items():
        assert text(f"feature.{key}", "en") == feature.label


def test_english_field_labels_are_what_the_field_names_gave_before() -> None:
    # field.<name> relabels a field grokorc adds; in English the label stays the capitalised name.
    fields = {key.partition(".")[2]: texts["en"] for key, texts in catalogue().items() if key.startswith("field.")}
    assert {"name", "price", "stock", "start", "end"} <= set(fields)
    assert all(label == name.capitalize() for name, label in fields.items())


def test_text_fills_once_and_falls_back_to_english() -> None:
    assert text("form.save", "es") == "Guardar" and text("form.save", "de") == "Speichern"
    assert text("form.save", "fr") == "Enregistrer" and text("form.save", "pt") == "Salvar"
    assert text("form.save", "it") == text("form.save", "") == "Save"
    assert text("form.save", "pt-BR") == "Salvar"
    # Request text holding a placeholder stays literal: one pass, no second substitution.
    assert text("table.search", "en", label="{label} $1 \\1") == "Search {label} $1 \\1"
    with pytest.raises(KeyError):
        text("form.no_such_message", "en")


def test_every_id_the_python_and_the_html_use_exists() -> None:
    sources = [*GENERATION.glob("*.py"), *TEMPLATES.rglob("*.html.j2")]
    used = {key for path in sources for key in re.findall(r"\b(?:text|t)\(\s*\"" + _ID + '"', path.read_text())}
    # ui.py also picks ids by condition ("form.book" if booking else "form.save"): every id-like string.
    used |= set(re.findall('"' + _ID + '"', (GENERATION / "ui.py").read_text()))
    assert {"form.save", "table.sort_by", "page.skip_link", "landing.contact_heading"} <= used
    # A prefix ("landing.feature") picks its own message or the prefix's default.
    assert {key for key in used if key not in catalogue() and f"{key}.default" not in catalogue()} == set()


@pytest.mark.parametrize("template, sections", SCRIPT_SECTIONS.items())
def test_every_message_a_script_says_is_in_its_sections(template: str, sections: tuple[str, ...]) -> None:
    source = (TEMPLATES / "frontend" / template).read_text()
    said = set(re.findall(r'\bsay\("([a-z_]+)"', source))
    assert said and said <= set(script_text("en", *sections))
    # No two sections a script gets may name a message alike: one would hide the other.
    names = [key.partition(".")[2] for key in catalogue() if key.partition(".")[0] in sections]
    assert len(names) == len(set(names))
