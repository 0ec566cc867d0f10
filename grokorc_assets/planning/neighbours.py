"""Nearest reference projects of a request: the catalogue searched by embedding similarity.

The search is injected as ``knn(query, k) -> [(catalogue id, cosine similarity)]`` so pgvector's
HNSW index (``storage.catalogue_index.PgVectorKnn``) can replace the exact numpy search here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from grokorc_assets.models import Neighbour
from grokorc_assets.planning.catalogue import Catalogue, embed_catalogue, load_catalogue
from grokorc_assets.planning.embeddings import Embedder, default_embedder

Knn = Callable[[np.ndarray, int], list[tuple[str, float]]]
SIMILARITY_DECIMALS = 4  # rounding keeps the JSON stable across BLAS builds

class ExactKnn:
    """Brute-force cosine search in numpy; the test double and fallback for pgvector HNSW."""

    def __init__(self, ids: Sequence[str], matrix: np.ndarray) -> None:
        if len(ids) != matrix.shape[0]:
            raise ValueError("one id per embedding row")
        self.ids = list(ids)
        self.matrix = np.asarray(matrix, dtype=np.float32)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue, embedder: Embedder) -> ExactKnn:
        ids, matrix = embed_catalogue(catalogue, embedder)
        return cls(ids, matrix)

    def __call__(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        sims = self.matrix @ np.asarray(query, dtype=np.float32).reshape(-1)
        sims = np.round(sims.astype(np.float64), SIMILARITY_DECIMALS)
        # Ties broken by id so the order never depends on the sort algorithm.
        order = sorted(range(len(self.ids)), key=lambda i: (-sims[i], self.ids[i]))
        return [(self.ids[i], float(sims[i])) for i in order[:k]]


@lru_cache(maxsize=1)
def _default_search() -> tuple[Embedder, ExactKnn]:
    embedder = default_embedder()
    return embedder, ExactKnn.from_catalogue(load_catalogue(), embedder)


def find_neighbours(
    message: str,
    catalogue: Catalogue,
    *,
    knn: Knn | None,
    embedder: Embedder | None,
    k: int,
) -> list[Neighbour]:
    if knn is None:
        default_emb, default_knn = _default_search()
        knn, embedder = default_knn, embedder or default_emb
    embedder = embedder or _default_search()[0]
    query = embedder.embed([message])[0]
    known = catalogue.by_id()
    # Ids the catalogue no longer has (a stale index) are dropped: their archetype is unknown.
    return [
        Neighbour(id=i, similarity=round(float(s), SIMILARITY_DECIMALS), archetype=known[i][0])
        for i, s in knn(query, k)
        if i in known
    ]
