"""The generated UI's own words in the request's language: one catalogue, ui_text.yaml.

Entity and field names already come in the request's language; this gives the rest of the UI (buttons,
labels, headings, states, the scripts' messages) the same language, so a Spanish request gets a Spanish
app. Python stages call ``text``; HTML templates get ``template_text`` (a ``t`` callable and the
``lang`` attribute); scripts get ``script_text``, a JSON object of their messages. Plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial

from grokorc_assets.datafiles import load_yaml

__all__ = ["LANGUAGES", "catalogue", "fill", "has_text", "in_sentence", "placeholders", "script_text",
           "template_text", "text", "ui_language"]

LANGUAGES = ("en", "es", "de", "fr", "pt")
DEFAULT_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def catalogue() -> dict[str, dict[str, str]]:
    """Message id -> language -> text (loaded once per process; never mutate it)."""
    return load_yaml("grokorc_assets.generation", "ui_text.yaml")


def ui_language(language: str | None) -> str:
    """The catalogue language for a plan's ``language`` ("pt-BR" -> "pt"); English when it has none."""
    code = (language or "").strip().lower().split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def fill(template: str, values: Mapping[str, object]) -> str:
    # One pass: a value that itself holds "{name}" (request text may) stays literal.
    return _PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def has_text(key: str) -> bool:
    return key in catalogue()


def text(key: str, language: str, **values: object) -> str:
    """Message ``key`` in ``language`` with its placeholders filled; an unknown id is a KeyError, so a
    typo fails generation instead of showing a blank."""
    return fill(catalogue()[key][ui_language(language)], values)


def in_sentence(noun: str, language: str) -> str:
    """A noun inside a sentence, as the caller spelled it ("No orders yet."), except that German
    capitalises nouns ("Noch keine Kurse.", "Kurs hinzufügen")."""
    return noun[:1].upper() + noun[1:] if ui_language(language) == "de" else noun


def template_text(language: str) -> dict[str, object]:
    """What the HTML templates need: ``t(key, **values)`` (autoescaped where it is output) and ``lang``."""
    translate: Callable[..., str] = partial(text, language=language)
    return {"t": translate, "lang": ui_language(language)}


def script_text(language: str, *sections: str) -> dict[str, str]:
    """The messages of ``sections`` ("js", "app_js") keyed by what follows the section's dot, for a
    generated script to carry as JSON; the script fills placeholders itself."""
    lang = ui_language(language)
    out: dict[str, str] = {}
    for key, texts in catalogue().items():
        section, _, name = key.partition(".")
        if section in sections:
            out[name] = texts[lang]
    return out
