"""Session fixtures: a private GROKORC_HOME with a real embedded Postgres and Dagster instance.

The session owns the server it starts and stops it at the end; every test shares it and uses
unique project ids, so tests never depend on each other's data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET_ENV = ("GROKORC_LLM_API_KEY", "OPENAI_API_KEY")


@pytest.fixture(scope="session")
def grokorc_home() -> Iterator[Path]:
    # Not under pytest's basetemp: every pytest session re-tightens /tmp/pytest-of-<user> to 0700,
    # which would lock the embedded server's unprivileged user out of its data directory.
    home = Path(tempfile.mkdtemp(prefix="grokorc-test-"))
    saved = {k: os.environ.get(k) for k in ("GROKORC_HOME", "GROKORC_DATABASE_URL", "DAGSTER_HOME")}
    os.environ["GROKORC_HOME"] = str(home)
    os.environ.pop("GROKORC_DATABASE_URL", None)
    yield home
    from grokorc_assets.storage import embedded

    embedded.stop(home / "pg")
    shutil.rmtree(home, ignore_errors=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def settings(grokorc_home: Path):
    from grokorc_assets.settings import Settings

    return Settings.from_env()


@pytest.fixture(scope="session")
def engine(settings):
    from grokorc_assets.storage.database import ensure_database

    return ensure_database(settings)


@pytest.fixture(scope="session")
def instance(settings):
    from grokorc_assets.instance import get_instance

    inst = get_instance(settings)
    yield inst
    inst.dispose()


@pytest.fixture
def project_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def cli_env(grokorc_home: Path, engine) -> dict[str, str]:
    """Environment for `grokorc` subprocesses: the session's home, never the caller's secrets."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    env["GROKORC_HOME"] = str(grokorc_home)
    env.pop("GROKORC_DATABASE_URL", None)
    return env
