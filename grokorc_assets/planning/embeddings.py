"""Text embedders: an offline deterministic default and an OpenAI-compatible client.

Both return L2-normalised float32 rows so that a dot product is the cosine similarity, which is
what ExactKnn and pgvector's ``vector_cosine_ops`` expect.
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

import numpy as np

from grokorc_assets.planning.text import words

DEFAULT_DIM = 384


@runtime_checkable
class Embedder(Protocol):
    dim: int
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Rows are L2-normalised float32 vectors, one per text, shape (len(texts), dim)."""
        ...


def _normalise(mat: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0  # an empty text stays the zero vector instead of NaN
    return (mat / norms).astype(np.float32)


class HashingEmbedder:
    """Feature hashing of word unigrams, bigrams and character n-grams.

    blake2b rather than ``hash()``: Python salts string hashes per process, which would make
    embeddings (and the pgvector index built from them) differ between runs.
    """

    # Words carry topic; char n-grams make "booking"/"bookings"/"booked" overlap. The weights keep
    # word evidence dominant.
    _WEIGHTS = {"w1": 1.0, "w2": 0.7, "c": 0.5}
    _STOP = frozenset(
        "a an the and or of for to in on with by at from that this it its is are be as we our i my "
        "me you your their they them can will should would want need like so some any all".split()
    )

    def __init__(self, dim: int = DEFAULT_DIM, char_ngrams: tuple[int, ...] = (3, 4)) -> None:
        self.dim = dim
        self.char_ngrams = char_ngrams
        self.name = f"hashing-blake2b-{dim}-w12-c{''.join(map(str, char_ngrams))}"

    def _slot(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        # The top bit picks the sign so colliding features cancel on average instead of piling up.
        return value % self.dim, (1.0 if value >> 63 else -1.0)

    def _features(self, text: str) -> dict[str, float]:
        toks = [w for w in words(text) if w not in self._STOP]
        feats: dict[str, float] = {}
        for w in toks:
            feats["w1:" + w] = feats.get("w1:" + w, 0.0) + self._WEIGHTS["w1"]
            padded = f"<{w}>"
            for n in self.char_ngrams:
                for i in range(max(len(padded) - n + 1, 0)):
                    key = "c:" + padded[i : i + n]
                    feats[key] = feats.get(key, 0.0) + self._WEIGHTS["c"]
        for a, b in zip(toks, toks[1:], strict=False):
            key = f"w2:{a} {b}"
            feats[key] = feats.get(key, 0.0) + self._WEIGHTS["w2"]
        return feats

    def embed(self, texts: list[str]) -> np.ndarray:
        mat = np.zeros((len(texts), self.dim), dtype=np.float64)
        for row, text in enumerate(texts):
            for feature, weight in sorted(self._features(text).items()):
                slot, sign = self._slot(feature)
                mat[row, slot] += sign * weight
        return _normalise(mat)


class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible ``/embeddings`` endpoint (OpenAI, Ollama, vLLM...).

    ``dim`` is learnt from the first response unless given, because local servers serve models of
    many sizes and the pgvector column must be declared with the right width.
    """

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        dim: int | None = None,
        batch_size: int = 64,
        timeout: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        from openai import OpenAI  # imported lazily: the offline path must not need the SDK

        # Local servers ignore the key but the SDK insists on one.
        self._client = OpenAI(
            base_url=base_url, api_key=api_key or "unused", timeout=timeout, max_retries=max_retries
        )
        self.model = model
        self.name = f"openai:{model}"
        self.batch_size = batch_size
        self._dim = dim

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed(["dimension probe"]).shape[1])
        return self._dim

    def embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            response = self._client.embeddings.create(model=self.model, input=batch)
            # The API may return items out of order; ``index`` is authoritative.
            for item in sorted(response.data, key=lambda d: d.index):
                rows.append(list(item.embedding))
        if not rows:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        mat = np.asarray(rows, dtype=np.float64)
        if self._dim is not None and mat.shape[1] != self._dim:
            raise ValueError(f"{self.name} returned dimension {mat.shape[1]}, expected {self._dim}")
        self._dim = mat.shape[1]
        return _normalise(mat)


def default_embedder() -> HashingEmbedder:
    return HashingEmbedder()
