"""Similarity of names, paths and texts: the number auto-mediation is gated on.

Two signals, the larger wins: the embedder's cosine (it folds plurals and word order, so
"orders list" ~ "order list") and difflib's ratio on the raw spelling (it catches typos such as
"amout" ~ "amount" that share few hashed n-grams).
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from grokorc_assets.planning.embeddings import Embedder, default_embedder

_PARAM = re.compile(r"^\{[^}]*\}$")


def words_of(name: str) -> str:
    """"APP_DATABASE_PATH" / "orderItems" / "order-items" -> space separated lower words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return " ".join(w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w)


class Similarity:
    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or default_embedder()
        self._cache: dict[str, np.ndarray] = {}

    def _vector(self, text: str) -> np.ndarray:
        if text not in self._cache:
            self._cache[text] = self.embedder.embed([text])[0]
        return self._cache[text]

    def cosine(self, a: str, b: str) -> float:
        return float(np.clip(self._vector(a) @ self._vector(b), 0.0, 1.0))

    def names(self, a: str, b: str) -> float:
        """Two identifiers (keys, entity names, hosts); 1.0 only when spelled the same."""
        if a == b:
            return 1.0
        wa, wb = words_of(a), words_of(b)
        ratio = difflib.SequenceMatcher(None, wa, wb).ratio()
        cosine = self.cosine(wa, wb) if wa and wb else 0.0
        return round(min(max(ratio, cosine), 0.999), 3)  # different spellings never reach 1.0

    def paths(self, a: str, b: str) -> float:
        """URL paths: segment by segment, the weakest segment decides (a shared /api/ proves nothing)."""
        sa, sb = _segments(a), _segments(b)
        if len(sa) != len(sb):
            return 0.0
        scores = [1.0 if (_PARAM.match(x) and _PARAM.match(y)) else self.names(x, y)
                  for x, y in zip(sa, sb, strict=True)]
        return round(min(scores, default=1.0), 3)

    def texts(self, a: str, b: str) -> float:
        """Whole file contents, line-wise."""
        return round(difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False).ratio(), 3)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("?")[0].strip("/").split("/") if s]


def best(candidates: list[str], score) -> tuple[str | None, float]:
    """The highest-scoring candidate (ties: the first in the given order) and its score."""
    top, top_score = None, 0.0
    for candidate in candidates:
        s = score(candidate)
        if s > top_score:
            top, top_score = candidate, s
    return top, top_score
