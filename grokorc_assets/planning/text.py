"""Tokenising and light stemming shared by the catalogue embedder and the planner.

Kept tiny and rule-based on purpose: the planner must run offline, deterministically, and without
downloading a language model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words keep inner dots ("next.js", "node.js") and +/# ("c++"); hyphens split ("real-time").
_TOKEN_RE = re.compile(r"[^\W_][\w+#]*(?:\.[^\W_][\w]*)*|[^\w\s]")
_SENTENCE_END = {".", "!", "?", ";", ":", "\n"}


@dataclass(frozen=True)
class Token:
    raw: str  # as written
    low: str  # lower case
    lemma: str  # lower case, plural folded
    sentence_start: bool  # first word of a sentence: its capital letter is no evidence


def fold(word: str) -> str:
    """Lower case without accents: "preço" -> "preco", "Quantité" -> "quantite"."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def lemma(word: str) -> str:
    """Fold English plurals so lexicons need only one form ("carts" -> "cart", "replies" -> "reply")."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is", "ics")):
        return w[:-1]
    return w


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    start = True
    for m in _TOKEN_RE.finditer(text):
        raw = m.group(0)
        low = raw.lower()
        if raw in _SENTENCE_END:
            out.append(Token(raw, low, low, False))
            start = True
            continue
        is_word = raw[0].isalnum()
        out.append(Token(raw, low, lemma(low), start and is_word))
        if is_word:
            start = False
    return out


def words(text: str) -> list[str]:
    """Lemmatised word tokens only (punctuation dropped)."""
    return [t.lemma for t in tokenize(text) if t.raw[0].isalnum()]


def phrase_key(phrase: str, *, exact: bool = False) -> tuple[str, ...]:
    """A lexicon entry as the token sequence it must match."""
    toks = [t for t in tokenize(phrase) if t.raw[0].isalnum() or t.raw in {"+", "#", "&"}]
    return tuple(t.low if exact else t.lemma for t in toks)
