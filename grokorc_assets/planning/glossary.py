"""Non-English requests in the planner's English vocabulary.

The keyword lexicons and the archetype model are English. A request detected as Spanish, German,
French or Portuguese has its domain words replaced from ``data/glossary.yaml`` ("tienda online de
libros" -> "shop online de books") before either reads it; everything else (entities, titles)
keeps reading the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.planning.entities import detect_language, load_languages
from grokorc_assets.planning.entities import tokenize as entity_tokens

_WORD_RE = re.compile(r"[^\W\d_][\w'’]*", re.UNICODE)
# French elision: "l'inventaire", "d'abonnés", "qu'un" read as the word after the article.
_ELISION_RE = re.compile(r"(?:[cdjlmnst]|qu)['’](?=\w)")
# The section whose words (international ones, "kanban", "wiki", "newsletter") every language shares.
SHARED = "all"


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, tuple[dict[str, str], list[tuple[str, str]]]]:
    """language code -> (word map, phrase map longest first); the shared section is in every language,
    below the language's own entries."""
    data = load_yaml("grokorc_assets.planning", "data/glossary.yaml")
    out: dict[str, tuple[dict[str, str], list[tuple[str, str]]]] = {}
    for code, words in data.items():
        if code.endswith("_phrases") or code == SHARED:
            continue
        merged = {**data.get(SHARED, {}), **words}
        phrases = {**data.get(f"{SHARED}_phrases", {}), **data.get(f"{code}_phrases", {})}
        ordered = sorted(phrases.items(), key=lambda kv: -len(kv[0]))
        out[code] = ({k.lower(): v for k, v in merged.items()}, [(k.lower(), v) for k, v in ordered])
    return out


@lru_cache(maxsize=8)
def _phrase_pattern(code: str) -> re.Pattern[str]:
    """One pattern for all of a language's phrases, longest first, each a whole-word match."""
    phrases = load_glossary()[code][1]
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p, _ in phrases) + r")(?!\w)")


def request_language(message: str) -> str:
    return detect_language(entity_tokens(message)).code


def to_english(message: str, known: Callable[[str], bool] | None = None, language: str | None = None) -> str:
    """The request with its domain words in English; an English request comes back unchanged.

    ``known`` (a word the reader understands, e.g. one in the archetype model's vocabulary) also
    drops every word that is neither translated nor known: the other language's articles and
    prepositions would otherwise dilute the few words that carry the meaning. ``language``: the
    request's, when ``message`` is a piece of it too short to tell ("Vereinsverwaltung").
    """
    lang = load_languages()[language] if language else detect_language(entity_tokens(message))
    glossary = load_glossary().get(lang.code)
    if glossary is None:
        return message
    words, phrases = glossary
    text = message.lower()
    # A phrase's English is final: it is set aside (a placeholder no word pattern matches) so that the
    # word pass neither translates its words again nor drops those the model does not know ("followers").
    done: list[str] = []

    def set_aside(english: str) -> str:
        done.append(english)
        return f"\0{len(done) - 1}\0"

    if phrases:
        english_of = dict(phrases)
        text = _phrase_pattern(lang.code).sub(lambda m: set_aside(english_of[m.group(0)]), text)
    compounds = lang.code in COMPOUNDING
    function_words = lang.markers | lang.skip

    def translate(match: re.Match) -> str:
        word = match.group(0)
        elided = _ELISION_RE.match(word)
        if elided and word not in words:
            word = word[elided.end():]
        english = _translate_word(word, words, compounds)
        if known is None or english != word or word in words:  # a glossary word, even one kept as is
            return english
        return word if known(word) and word not in function_words else ""

    text = _WORD_RE.sub(translate, text)
    return re.sub("\0(\\d+)\0", lambda m: done[int(m.group(1))], text)


# Languages that write compounds as one word ("Terminbuchungssystem", "Kommandozeilen-App").
COMPOUNDING = frozenset({"de"})
MIN_COMPOUND_PART = 4


def _translate_word(word: str, words: dict[str, str], compounds: bool) -> str:
    if word in words:
        return words[word]
    if not compounds:
        return word
    # The longest known head and tail of a compound: "terminbuchungssystem" -> "appointment booking".
    heads, tails = _compound_parts(words)
    head = max((k for k in heads.get(word[:MIN_COMPOUND_PART], ()) if word.startswith(k)), key=len, default="")
    tail = max((k for k in tails.get(word[-MIN_COMPOUND_PART:], ()) if word.endswith(k) and len(k) < len(word)),
               key=len, default="")
    parts = [words[k] for k in (head, tail) if k]
    return " ".join(dict.fromkeys(parts)) if parts else word


_COMPOUND_INDEX: dict[int, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}


def _compound_parts(words: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The glossary's words of 4 letters or more by their first and by their last 4 letters: a compound is
    matched against the few keys that can start or end it, not every key (the word maps live as long as
    load_glossary's cache, so their id is a stable key)."""
    index = _COMPOUND_INDEX.get(id(words))
    if index is None:
        heads: dict[str, list[str]] = {}
        tails: dict[str, list[str]] = {}
        for k in words:
            if len(k) >= MIN_COMPOUND_PART:
                heads.setdefault(k[:MIN_COMPOUND_PART], []).append(k)
                tails.setdefault(k[-MIN_COMPOUND_PART:], []).append(k)
        index = _COMPOUND_INDEX[id(words)] = (heads, tails)
    return index
