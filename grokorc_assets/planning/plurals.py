"""The plural of an entity name in the request's language: URL segments, page names, criteria texts.

English keeps its own rules (``english_plural``); the other languages' rules are data
(``plural`` in data/entities.yaml), with the language's irregular plurals read backwards from its
``irregular`` map, so "mitglied" becomes "mitglieder" and "adopción" "adopciones", not "adopcións".
Only the last word of a snake-case name changes ("lista_de_tarea" -> "lista_de_tareas" is not
attempted: compound names are rare outside English and their head is language specific).
"""

from __future__ import annotations

from functools import cache

from grokorc_assets.datafiles import load_yaml


@cache
def _english() -> dict:
    return load_yaml("grokorc_assets.planning", "data/entities.yaml")["languages"]["en"]


@cache
def uncountable() -> frozenset[str]:
    """Words whose singular and plural agree; the URL is /api/news, not /api/newses."""
    return frozenset(str(w) for w in _english().get("uncountable", []))


@cache
def _english_irregular() -> dict[str, str]:
    """Singular -> plural, read backwards from the irregular plurals the entity reader folds."""
    table: dict[str, str] = {}
    for plural_form, singular_form in (_english().get("irregular") or {}).items():
        if str(plural_form).isalpha():  # not the "check-ins" style compounds
            table.setdefault(str(singular_form), str(plural_form))
    return table


def english_plural(word: str) -> str:
    if word in uncountable():
        return word
    if word in _english_irregular():  # person -> people, shelf -> shelves, hero -> heroes
        return _english_irregular()[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


@cache
def _language_rules(language: str) -> tuple[tuple[tuple[str, str], ...], dict[str, str], frozenset[str]] | None:
    """(suffix rules, singular -> irregular plural, invariable words) of a language with plural rules."""
    raw = load_yaml("grokorc_assets.planning", "data/entities.yaml")["languages"].get(language) or {}
    if "plural" not in raw:
        return None
    irregular: dict[str, str] = {}
    for plural_form, singular_form in (raw.get("irregular") or {}).items():
        irregular.setdefault(str(singular_form), str(plural_form))  # the first (nominative) form listed
    rules = tuple((str(suffix), str(replacement)) for suffix, replacement in raw["plural"])
    endings = tuple(str(e) for e in raw.get("invariable", []))
    invariable = frozenset(str(w) for w in raw.get("keep", []) if endings and str(w).endswith(endings))
    return rules, irregular, invariable


def _plural_word(word: str, language: str) -> str:
    table = _language_rules(language)
    if table is None:
        return english_plural(word)
    rules, irregular, invariable = table
    if word in irregular:
        return irregular[word]
    if word in invariable:  # "lunes", "análisis", "prix"
        return word
    for suffix, replacement in rules:
        if word.endswith(suffix):
            return word[: len(word) - len(suffix)] + replacement
    return word


def plural(name: str, language: str = "en") -> str:
    """The plural of a (snake-case) entity name: its last word, in ``language`` (default English)."""
    head, _, last = name.rpartition("_")
    last = _plural_word(last, language)
    return f"{head}_{last}" if head else last
