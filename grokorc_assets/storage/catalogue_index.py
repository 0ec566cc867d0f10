"""The stack catalogue in pgvector: synced when its content hash changes, searched with HNSW.

Storage only: the rows and their content hash come from the planner (``planning.service.sync_catalogue``),
so this module knows nothing of the catalogue's shape or of embedders.

The column holds vectors of any width (one embedder, one width); each width has a partial HNSW
index over ``embedding::vector(N)``, and queries repeat that expression and predicate so the
planner uses it (migration 0002).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np
import sqlalchemy as sa

from grokorc_assets.models import IndexRow

# Candidates HNSW examines per query; pgvector's default (40) loses recall on large catalogues.
EF_SEARCH = 100


def vector_literal(values) -> str:
    return "[" + ",".join(f"{float(v):.7g}" for v in values) + "]"


def ensure_index(conn: sa.Connection, dim: int) -> None:
    """The HNSW index for vectors of width ``dim`` (an int: it is spliced into DDL)."""
    dim = int(dim)
    conn.execute(sa.text(
        f"CREATE INDEX IF NOT EXISTS catalogue_vectors_hnsw_{dim} ON grokorc.catalogue_vectors "
        f"USING hnsw ((embedding::vector({dim})) vector_cosine_ops) WHERE vector_dims(embedding) = {dim}"
    ))


def sync_vectors(
    engine: sa.Engine, embedder_name: str, content_hash: str, rows: Callable[[], Sequence[IndexRow]]
) -> bool:
    """Replace the vectors of ``embedder_name`` unless they already carry ``content_hash``.

    ``rows`` is only called when they do not (embedding the catalogue is the expensive part).
    Returns True when it wrote rows.
    """
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242002)"))
        current = conn.execute(
            sa.text("SELECT content_hash FROM grokorc.catalogue_vectors WHERE embedder = :e LIMIT 1"),
            {"e": embedder_name},
        ).scalar()
        if current == content_hash:
            return False
        conn.execute(sa.text("DELETE FROM grokorc.catalogue_vectors WHERE embedder = :e"), {"e": embedder_name})
        new_rows = rows()
        for dim in sorted({len(row.embedding) for row in new_rows}):
            ensure_index(conn, dim)
        conn.execute(
            sa.text(
                "INSERT INTO grokorc.catalogue_vectors "
                "(embedder, id, archetype, description, stack, embedding, content_hash) "
                "VALUES (:e, :id, :a, :d, CAST(:s AS jsonb), CAST(:v AS vector), :h)"
            ),
            [
                {
                    "e": embedder_name, "id": row.id, "a": row.archetype, "d": row.description,
                    "s": json.dumps(row.stack.model_dump()), "v": vector_literal(row.embedding),
                    "h": content_hash,
                }
                for row in new_rows
            ],
        )
    return True


class PgVectorKnn:
    """The planning seam ``knn(query, k) -> [(id, cosine similarity)]`` over the HNSW index."""

    def __init__(self, engine: sa.Engine, embedder_name: str):
        self._engine = engine
        self._embedder = embedder_name

    def __call__(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        dim = int(np.asarray(query).reshape(-1).shape[0])
        vec = f"embedding::vector({dim})"  # the indexed expression, word for word
        with self._engine.connect() as conn:
            conn.execute(sa.text(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}"))
            rows = conn.execute(
                sa.text(
                    f"SELECT id, 1 - ({vec} <=> CAST(:q AS vector({dim}))) AS similarity "
                    f"FROM grokorc.catalogue_vectors WHERE embedder = :e AND vector_dims(embedding) = {dim} "
                    f"ORDER BY {vec} <=> CAST(:q AS vector({dim})), id LIMIT :k"
                ),
                {"q": vector_literal(query), "e": self._embedder, "k": k},
            ).all()
        # Same rounding as the exact search, so both give identical plans.
        return [(row.id, round(float(row.similarity), 4)) for row in rows]
