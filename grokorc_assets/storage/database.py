"""Where the database is, and getting it ready: server up, schema migrated.

``ensure_database`` is idempotent and cheap when everything is already in place, so every entry
point (CLI, Dagster resources, tests) calls it instead of assuming.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from grokorc_assets.settings import Settings
from grokorc_assets.storage import embedded

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SCHEMA = "grokorc"
_lock = threading.Lock()


def normalise_url(url: str) -> str:
    """SQLAlchemy 2.1 + dagster-postgres need the driver in the scheme (docs/design.md "Storage")."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def database_url(settings: Settings) -> str:
    """The external URL when configured, else the embedded server's (started if needed)."""
    if settings.database_url is not None:
        return normalise_url(settings.database_url.get_secret_value())
    server = embedded.start(settings.pgdata)
    assert server.url is not None
    return server.url


@lru_cache(maxsize=8)
def engine_for(url: str) -> sa.Engine:
    # pool_pre_ping: the server may have been restarted under a long-lived process (dagster dev).
    return sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = url
    return cfg


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table_schema": SCHEMA})
        return ctx.get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def migrate(url: str) -> None:
    engine = engine_for(url)
    if current_revision_or_none(engine) == head_revision():
        return
    command.upgrade(alembic_config(url), "head")


def current_revision_or_none(engine: sa.Engine) -> str | None:
    inspector = sa.inspect(engine)
    if not inspector.has_table("alembic_version", schema=SCHEMA):
        return None
    return current_revision(engine)


def ensure_database(settings: Settings) -> sa.Engine:
    with _lock:
        url = database_url(settings)
        migrate(url)
        return engine_for(url)
