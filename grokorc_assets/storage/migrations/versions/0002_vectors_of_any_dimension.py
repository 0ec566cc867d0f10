"""Catalogue vectors of any dimension: the embeddings model decides it, not the schema.

An OpenAI-compatible endpoint's model (GROKORC_EMBEDDINGS_MODEL) returns 768, 1024, 1536... values
where the offline hashing embedder returns 384. pgvector's HNSW needs a fixed dimension, so the
column loses its width and each dimension gets a partial expression index of its own, created by
storage.catalogue_index when the first vectors of that width are written.

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS grokorc.catalogue_vectors_hnsw")
    op.execute("ALTER TABLE grokorc.catalogue_vectors ALTER COLUMN embedding TYPE vector")
    op.execute(
        "CREATE INDEX IF NOT EXISTS catalogue_vectors_hnsw_384 ON grokorc.catalogue_vectors "
        "USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE vector_dims(embedding) = 384"
    )


def downgrade() -> None:
    op.execute("DELETE FROM grokorc.catalogue_vectors WHERE vector_dims(embedding) <> 384")
    op.execute("DROP INDEX IF EXISTS grokorc.catalogue_vectors_hnsw_384")
    op.execute("ALTER TABLE grokorc.catalogue_vectors ALTER COLUMN embedding TYPE vector(384)")
    op.execute(
        "CREATE INDEX catalogue_vectors_hnsw ON grokorc.catalogue_vectors USING hnsw (embedding vector_cosine_ops)"
    )
