"""Views of the request text the planner reads: in English, as words, its head clause, its title."""

from __future__ import annotations

import re

from grokorc_assets.planning import classifier, glossary
from grokorc_assets.planning.entities import RequestModel, detect_language, load_languages
from grokorc_assets.planning.entities import tokenize as entity_tokens
from grokorc_assets.planning.lexicon import Lexicons
from grokorc_assets.planning.text import Token, lemma, tokenize


def word_seq(tokens: list[Token]) -> list[Token]:
    # Lexicon phrases ignore punctuation ("real-time" == "real time", "add, edit and delete").
    return [t for t in tokens if t.raw[0].isalnum() or t.raw in {"+", "#", "&"}]


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# Markup in a request (pasted HTML, or an attack on the pages it will generate) is no word about the
# project: "<script>" must not make a recipe site a command-line script. Tags, comments, and the same
# written as HTML entities or URL-encoded.
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z!][^<>]*>|&lt;.*?&gt;|%3C.*?%3E", re.IGNORECASE | re.DOTALL)


def without_markup(message: str) -> str:
    return _MARKUP.sub(" ", message)


# Stands for the field names taken out: a request that lists its records' fields is about records.
FIELDS_STAND_IN = "records"


def without_field_names(message: str, request: RequestModel) -> str:
    """The request with its records' field names replaced by one word, "records": "courses with title,
    date and price" says that courses are stored, not that the project is a shop. What a project is
    comes from what it does."""
    # References a verb implies ("members borrow books" -> a loan's book_id) are no field the request named.
    named = {part for fields in request.fields.values() for f in fields if not f.name.endswith("_id")
             for part in f.name.split("_") if len(part) > 2}
    if not named:
        return message
    return _WORD.sub(lambda m: "" if m.group(0).lower() in named else m.group(0), message) + " " + FIELDS_STAND_IN


def english_view(message: str, language: str | None = None) -> str:
    """The request as the English lexicons and model read it (unchanged when it is English).
    ``language``: the request's, when ``message`` is only a piece of it."""
    vocabulary = classifier.load_model().weights
    return glossary.to_english(message, known=lambda word: f"w:{lemma(word)}" in vocabulary, language=language)


def request_head(english: str, head_words: int) -> list[Token]:
    """The opening clause, at most ``head_words`` words: "Sales analytics dashboard with revenue by
    region, top products..." -> its head names a dashboard, whatever products the rest mentions."""
    head: list[Token] = []
    for token in tokenize(english):
        if token.raw in {".", ";", ":", "!", "?", "\n"} and head:
            break
        if token.raw[0].isalnum() or token.raw in {"+", "#", "&"}:
            head.append(token)
            if len(head) >= head_words:
                break
    return head


def request_kind(message: str, lex: Lexicons, language: str | None = None) -> str:
    """What the request says it is, in its own opening words, in English: its title up to "of"
    ("Sentiment analysis of hotel guest reviews" -> "Sentiment analysis", "Direct messaging for a gaming
    guild" -> "Direct messaging", "Una app de mensajería para los vecinos" -> "app messaging"); what
    follows names the domain it is for, not the kind of project. The title is cut in the request's own
    language, whose words ("para", "für") end it, before it is read in English."""
    language = language or detect_language(entity_tokens(message)).code
    english = english_view(request_title(message, lex, language, naming=False) or "", language)
    return re.split(r"\bof\b", english, maxsplit=1)[0]


def request_title(message: str, lex: Lexicons, language: str | None = None, *, naming: bool = True) -> str | None:
    """The request's opening noun phrase as its name: "Online bookshop with search..." -> "Online bookshop".

    When that phrase only says it is an app ("An app for managing pet adoptions", "Una aplicación para
    gestionar adopciones de mascotas"), the name is what the app is for: "Pet adoptions", "Adopciones de
    mascotas". ``language``: the request's, when the caller has already detected it. ``naming``: also
    read an app's adjectives as generic ("An internal tool for our warehouse" -> "Warehouse"); off for
    the request's kind, which "internal tool" names.
    """
    tokens = message.replace("\n", " ").split()
    words, end = _title_phrase(tokens, 0, lex, skip=frozenset(lex.title_skip))
    lang = load_languages()[language] if language else detect_language(entity_tokens(message))
    for_what = end < len(tokens) and tokens[end].lower() in lex.title_purpose
    generic = frozenset(lex.title_generic) | (frozenset(lex.title_generic_kind) if naming else frozenset())
    if words and for_what and all(_says_only_app(w, generic) for w in words):
        skip = (frozenset(lex.title_skip) | frozenset(lex.title_stop) | lang.verbs | lang.of_words | lang.stop
                | lang.skip)
        purpose, _ = _title_phrase(tokens, end, lex, skip=skip, within=frozenset(lex.title_and))
        words = purpose or words
    title = " ".join(words)
    return title[:1].upper() + title[1:] if len(title) >= 3 else None


def _says_only_app(word: str, generic: frozenset[str]) -> bool:
    parts = [p for p in word.lower().replace("-", " ").split() if p]
    return bool(parts) and all(p in generic for p in parts)


def _title_phrase(tokens: list[str], start: int, lex: Lexicons, *, skip: frozenset[str],
                  within: frozenset[str] = frozenset()) -> tuple[list[str], int]:
    """The words from ``start`` up to a stop word or punctuation (at most 6), skipping ``skip`` words
    before the first one; ``within`` words ("and") do not stop it. Also where it ended."""
    words: list[str] = []
    for i in range(start, len(tokens)):
        bare = tokens[i].strip("\"'()[]")
        low = bare.lower().rstrip(".,:;!?")
        if not words and low in skip:
            continue
        if (low in lex.title_stop and low not in within) or not low:  # a stop word, or punctuation alone
            return words, i
        words.append(bare.rstrip(".,:;!?"))
        if bare[-1:] in ".,:;!?" or len(words) == 6:
            return words, i + 1
    return words, len(tokens)
