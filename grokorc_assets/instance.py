"""The Dagster instance every entry point shares: Postgres storage on grokorc's own database.

The CLI, ``grokorc dev`` and the tests all go through ``prepare_dagster_env``, so they see the same
runs, event log and dynamic partitions (a sensor can read check evaluations by cursor).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from grokorc_assets.settings import Settings, undeclared_resource_env
from grokorc_assets.storage.database import ensure_database

INSTANCE_TEMPLATE = Path(__file__).resolve().parents[1] / "dagster.yaml"


def prepare_dagster_env(settings: Settings) -> Path:
    """Start/migrate the database, write DAGSTER_HOME/dagster.yaml, export the variables it and the
    resources read (the resources' unset ones declared empty: their default, see resources/env.py)."""
    engine = ensure_database(settings)
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, target)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["GROKORC_DAGSTER_POSTGRES_URL"] = engine.url.render_as_string(hide_password=False)
    os.environ["GROKORC_HOME"] = str(settings.home)
    os.environ.update(undeclared_resource_env())
    return home


def get_instance(settings: Settings | None = None):
    from dagster import DagsterInstance

    prepare_dagster_env(settings or Settings.from_env())
    return DagsterInstance.get()
