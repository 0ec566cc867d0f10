"""Alembic environment: plain SQL migrations for grokorc's own schema (not Dagster's tables)."""

from alembic import context
from sqlalchemy import text

from grokorc_assets.storage.database import SCHEMA, engine_for

config = context.config
engine = engine_for(config.attributes["url"])

with engine.connect() as connection:
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    connection.commit()
    context.configure(connection=connection, version_table_schema=SCHEMA)
    with context.begin_transaction():
        # Two processes may migrate at once (CLI and dagster dev): serialise on an advisory lock.
        connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        context.run_migrations()
