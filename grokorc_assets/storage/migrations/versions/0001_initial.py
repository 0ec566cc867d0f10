"""Initial schema: requests, catalogue vectors, LLM exchanges, visual baselines, results.

Revision ID: 0001
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute(
        """
        CREATE TABLE grokorc.project_requests (
            id           BIGSERIAL PRIMARY KEY,
            project_id   TEXT NOT NULL,
            revision     INTEGER NOT NULL,
            message      TEXT NOT NULL,
            submitted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            UNIQUE (project_id, revision)
        )
        """
    )
    # Embeddings of the stack catalogue; one row per (embedder, reference project). The dimension is
    # fixed by the index, so each embedder writes vectors of DIM 384 (see planning.embeddings).
    op.execute(
        """
        CREATE TABLE grokorc.catalogue_vectors (
            embedder     TEXT NOT NULL,
            id           TEXT NOT NULL,
            archetype    TEXT NOT NULL,
            description  TEXT NOT NULL,
            stack        JSONB NOT NULL,
            embedding    vector(384) NOT NULL,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (embedder, id)
        )
        """
    )
    op.execute(
        "CREATE INDEX catalogue_vectors_hnsw ON grokorc.catalogue_vectors "
        "USING hnsw (embedding vector_cosine_ops)"
    )
    op.execute(
        """
        CREATE TABLE grokorc.llm_exchanges (
            id            BIGSERIAL PRIMARY KEY,
            project_id    TEXT NOT NULL,
            revision      INTEGER NOT NULL,
            asset         TEXT NOT NULL,
            prompt_hash   TEXT NOT NULL,
            model         TEXT NOT NULL,
            response      TEXT NOT NULL,
            input_tokens  INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_usd      DOUBLE PRECISION NOT NULL,
            estimated     BOOLEAN NOT NULL,
            provider      TEXT NOT NULL,
            created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX llm_exchanges_prompt ON grokorc.llm_exchanges (prompt_hash)")
    op.execute("CREATE INDEX llm_exchanges_project ON grokorc.llm_exchanges (project_id, revision)")
    op.execute(
        """
        CREATE TABLE grokorc.visual_baselines (
            id           BIGSERIAL PRIMARY KEY,
            project_id   TEXT NOT NULL,
            page         TEXT NOT NULL,
            viewport     TEXT NOT NULL,
            image_path   TEXT NOT NULL,
            sha256       TEXT NOT NULL,
            revision     INTEGER NOT NULL,
            approved_by  TEXT NOT NULL,
            approved_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
            superseded   BOOLEAN NOT NULL DEFAULT false
        )
        """
    )
    op.execute(
        "CREATE INDEX visual_baselines_current ON grokorc.visual_baselines "
        "(project_id, page, viewport) WHERE NOT superseded"
    )
    op.execute(
        """
        CREATE TABLE grokorc.results (
            id          BIGSERIAL PRIMARY KEY,
            project_id  TEXT NOT NULL,
            revision    INTEGER NOT NULL,
            run_id      TEXT NOT NULL,
            status      TEXT NOT NULL,
            report      JSONB NOT NULL,
            created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX results_project ON grokorc.results (project_id, id DESC)")
