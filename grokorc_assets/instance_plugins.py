"""The two classes the repository's dagster.yaml names, so plain Dagster commands work in the repo root.

``dagster dev``, ``dagster definitions validate`` and ``dg check defs`` read ``./dagster.yaml`` when
DAGSTER_HOME is unset (in a temporary ``.tmp_dagster_home_*`` directory); ``grokorc`` copies the same
file into ``$GROKORC_HOME/dagster``. Either way:

* ``GrokorcPostgresStorage``: Dagster's runs, event log and schedules in grokorc's own Postgres, the one
  the CLI uses: GROKORC_DAGSTER_POSTGRES_URL when set (``grokorc`` exports it), else what
  ``ensure_database`` finds (GROKORC_DATABASE_URL, or the embedded server under GROKORC_HOME, started
  and migrated if needed).
* ``DeclareResourceEnv``: the instance's secrets loader. Each of ``settings.RESOURCE_ENV_VARS`` that is
  unset becomes empty (grokorc's default), so the resources' EnvVars resolve (resources/env.py): in the
  process that loads the instance (``dagster dev`` and everything it starts; an in-process
  ``dagster asset materialize``) and, through Dagster's own hook, in code servers, run and step workers.

Kept apart from ``instance.py`` so that ``grokorc env`` need not import dagster_postgres.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from dagster._core.secrets.loader import SecretsLoader
from dagster._serdes import ConfigurableClass, ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.utils import create_pg_engine

from grokorc_assets.settings import Settings, undeclared_resource_env
from grokorc_assets.storage.database import ensure_database

POSTGRES_URL_ENV = "GROKORC_DAGSTER_POSTGRES_URL"


def dagster_postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    return ensure_database(Settings.from_env()).url.render_as_string(hide_password=False)


# Each storage keeps one connection open (and opens up to this many more for concurrent use, closed on
# return). Dagster's Postgres storages default to a new connection per operation: a small build made
# about 700 of them, ~5 ms of connect and a freshly forked server backend each, a quarter of the
# build's time on two cores. pre_ping: a connection that outlived a server restart is replaced, not
# failed on.
POOL_OPTIONS = {"pool_size": 1, "max_overflow": 20, "pool_pre_ping": True, "pool_recycle": 3600}


class GrokorcPostgresStorage(DagsterPostgresStorage):
    """``DagsterPostgresStorage`` on grokorc's database, with pooled connections; no configuration."""

    def __init__(self, postgres_url: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(postgres_url=postgres_url, inst_data=inst_data)
        for storage in self._storages():
            # What Dagster's optimize_for_webserver does for the webserver, for every process.
            storage._engine = create_pg_engine(postgres_url, isolation_level="AUTOCOMMIT", **POOL_OPTIONS)

    def _storages(self) -> tuple:
        return (self._run_storage, self._event_log_storage, self._schedule_storage)

    def dispose(self) -> None:
        super().dispose()
        for storage in self._storages():
            storage._engine.dispose()  # the kept connections go now, not when the instance is collected

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> GrokorcPostgresStorage:
        return cls(postgres_url=dagster_postgres_url(), inst_data=inst_data)


class Configless(ConfigurableClass):
    """A class dagster.yaml names without a ``config:`` block: built from its inst_data alone."""

    _inst_data: ConfigurableClassData | None = None

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]):
        return cls(inst_data=inst_data)


class DeclareResourceEnv(SecretsLoader, Configless):
    """Declares the resources' unset variables empty in every process that loads this instance."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = inst_data

    def register_instance(self, instance) -> None:
        # DagsterInstance.__init__ calls this in every process that loads the instance: in-process
        # execution (`dagster asset materialize`) never asks get_secrets_for_environment.
        super().register_instance(instance)
        os.environ.update(undeclared_resource_env())

    def get_secrets_for_environment(self, location_name: str | None) -> dict[str, str]:
        return undeclared_resource_env()
