"""Explicit technologies: the canonical names a request mentions ("a Go backend", "React and Postgres").

Unambiguous phrases match directly; words that are also plain English ("go", "react", "node") need
context (see aliases.yaml ``context``); HTML/CSS/JavaScript mean a framework-less frontend.
"""

from __future__ import annotations

from grokorc_assets.models import STACK_LAYERS
from grokorc_assets.planning.glossary import request_language
from grokorc_assets.planning.lexicon import Aliases, Key, TechEntry, load_aliases
from grokorc_assets.planning.text import Token, tokenize


def _title_case(tokens: list[Token], language: str = "en") -> bool:
    """Headline-style text capitalises every word: capitals are then no evidence. German capitalises
    every noun, so a German request is never "headline style": a capitalised word there that is a
    technology's name ("gerne Rails", "Spring im Backend") keeps its evidence."""
    if language == "de":
        return False
    long_words = [t for t in tokens if t.raw.isalpha() and len(t.raw) > 3 and not t.sentence_start]
    caps = sum(1 for t in long_words if t.raw[0].isupper())
    return len(long_words) >= 3 and caps / len(long_words) > 0.6


def _phrase_index(aliases: Aliases, kind: str) -> list[tuple[Key, str]]:
    pairs = [
        (tuple(t.low for t in tokenize(form) if t.raw != "-"), name)
        for name, entry in aliases.technologies.items()
        for form in getattr(entry, kind)
    ]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[1]))  # longest first


def _seq_for_tech(tokens: list[Token]) -> list[Token]:
    # Hyphens join ("docker-compose"); other punctuation stays as it separates list items.
    return [t for t in tokens if t.raw != "-"]


def _ambiguous_ok(i: int, seq: list[Token], entry: TechEntry, aliases: Aliases, titled: bool) -> bool:
    """Context rules for words that are also plain English (see aliases.yaml `context`)."""
    ctx = aliases.context
    tok = seq[i]
    nxt = seq[i + 1].low if i + 1 < len(seq) else ""
    prev = seq[i - 1].low if i > 0 else ""
    if nxt in ctx.role_next:
        return True  # "a Go backend", "Node server", "React app"
    capital = tok.raw[0].isupper() and not tok.sentence_start and not titled
    window = [t.low for t in seq[i + 1 : i + 1 + ctx.role_window_size]]
    if "." in window:
        window = window[: window.index(".")]
    role_near = any(w in ctx.role_window for w in window)
    if capital and role_near:
        return True  # a proper noun mid-sentence near "UI"/"backend": ", React to be used for the UI"
    if capital and prev in ctx.cue_prev:
        return True  # "a tool in Go for backups": a capitalised name after a cue beats "go for"
    if nxt in entry.stop_next:
        return False  # "go to", "react to"
    if entry.lower_with_cue and role_near:
        return True  # "react for the frontend"
    if entry.lower_with_cue and prev in ctx.cue_prev:
        return True  # "written in Go", "using React"
    return entry.capitalised_alone and capital


def extract_technologies(message: str, aliases: Aliases | None = None) -> list[str]:
    """Canonical technologies the request names, in order of first mention."""
    aliases = aliases or load_aliases()
    tokens = tokenize(message)
    seq = _seq_for_tech(tokens)
    lows = [t.low for t in seq]
    found: dict[int, str] = {}  # token position -> canonical name
    taken = [False] * len(seq)
    for key, name in _phrase_index(aliases, "phrases"):
        n = len(key)
        for i in range(len(seq) - n + 1):
            if not any(taken[i : i + n]) and tuple(lows[i : i + n]) == key:
                found[i] = name
                for j in range(i, i + n):
                    taken[j] = True
    titled = _title_case(tokens, request_language(message))
    candidates = {
        i: name
        for i, t in enumerate(seq)
        if not taken[i]
        for name, entry in aliases.technologies.items()
        if t.low in entry.ambiguous
    }
    for i, name in candidates.items():
        if _ambiguous_ok(i, seq, aliases.technologies[name], aliases, titled):
            found[i] = name
    _accept_by_adjacency(seq, candidates, found, aliases)
    _accept_stack_sentences(seq, candidates, found, aliases)
    _add_weak(seq, taken, found, aliases)
    ordered: list[str] = []
    for _, name in sorted(found.items()):
        if name not in ordered:
            ordered.append(name)
    return ordered


def _accept_by_adjacency(
    seq: list[Token], candidates: dict[int, str], found: dict[int, str], aliases: Aliases
) -> None:
    """ "Go and Postgres", "Node/Express": an ambiguous word listed next to a technology is one."""
    connectors = set(aliases.context.connectors)
    others = set(aliases.context.other_technologies)
    changed = True
    while changed:  # fixpoint: "React, Node and Mongo" chains through the list
        changed = False
        for i, name in sorted(candidates.items()):
            if i in found:
                continue
            if i + 1 < len(seq) and seq[i + 1].low in aliases.technologies[name].stop_next:
                continue
            left = i >= 2 and seq[i - 1].low in connectors and ((i - 2) in found or seq[i - 2].low in others)
            right = i + 2 < len(seq) and seq[i + 1].low in connectors and ((i + 2) in found or seq[i + 2].low in others)
            if left or right:
                found[i] = name
                changed = True


_SENTENCE_ENDS = frozenset({".", "!", "?", ";", ":", "\n"})


def _accept_stack_sentences(
    seq: list[Token], candidates: dict[int, str], found: dict[int, str], aliases: Aliases
) -> None:
    """A sentence made only of technologies, connectors and negations names the stack ("Go.", "Express,
    not Django."): its ambiguous forms are technologies even at a sentence's start."""
    context = aliases.context
    allowed = set(context.connectors) | set(context.stack_sentence) | set(context.other_technologies)
    start = 0
    for end in [*(i for i, t in enumerate(seq) if t.low in _SENTENCE_ENDS), len(seq)]:
        span = range(start, end)
        start = end + 1
        if any(i in candidates and i not in found for i in span) and all(
            i in found or i in candidates or seq[i].low in allowed for i in span
        ):
            found.update({i: candidates[i] for i in span if i in candidates and i not in found})


def _add_weak(seq: list[Token], taken: list[bool], found: dict[int, str], aliases: Aliases) -> None:
    """HTML/CSS/JavaScript mean a framework-less frontend unless a frontend framework is named."""
    if any(aliases.technologies[n].layer == "frontend" for n in found.values()):
        return
    for name, entry in aliases.technologies.items():
        weak = set(entry.weak)
        hits = [i for i, t in enumerate(seq) if not taken[i] and t.low in weak]
        distinct = {seq[i].low for i in hits}
        # One "HTML" ("renders HTML to PDF") is not a stack choice; "HTML and CSS" or JavaScript is.
        if len(distinct) >= 2 or distinct & {"javascript", "js"}:
            found.setdefault(hits[0], name)


def layer_of(tech: str) -> str:
    return next(layer for layer, names in STACK_LAYERS.items() if tech in names)
