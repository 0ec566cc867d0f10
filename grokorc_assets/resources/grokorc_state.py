"""The resource that gives assets grokorc's settings, database and per-revision workspaces."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import Field

from grokorc_assets.contract import revision_of
from grokorc_assets.resources.env import overlay
from grokorc_assets.settings import Settings
from grokorc_assets.storage.database import ensure_database
from grokorc_assets.storage.requests import RequestStore, StoredRequest


class GrokorcState(ConfigurableResource):
    """definitions.py sets the fields from ``dagster.EnvVar`` (``resources/env.py``): resolved in the step's
    or sensor's process. Empty means the default; ``None`` (``GrokorcState()`` by hand) leaves the setting
    to the process environment. The other ``GROKORC_*`` settings come from the process environment."""

    ENV_VARS: ClassVar[dict[str, str]] = {"home": "GROKORC_HOME", "database_url": "GROKORC_DATABASE_URL"}

    home: str | None = Field(
        default=None, description="GROKORC_HOME: projects, baselines, asset values (default ./.grokorc)."
    )
    database_url: str | None = Field(
        default=None, repr=False,
        description="GROKORC_DATABASE_URL: external Postgres (default: the embedded one under GROKORC_HOME).",
    )

    @cached_property
    def settings(self) -> Settings:
        return Settings.from_env(overlay(self))

    @cached_property
    def engine(self) -> sa.Engine:
        return ensure_database(self.settings)

    @cached_property
    def requests(self) -> RequestStore:
        return RequestStore(self.engine)

    def request_for_run(self, project_id: str, run_tags: dict[str, str]) -> StoredRequest:
        """The revision this run builds: the run's tag, else the latest stored one."""
        revision = revision_of(run_tags)
        request = self.requests.get(project_id, revision)
        if request is None:
            wanted = f"revision {revision}" if revision else "any revision"
            raise ValueError(f"no stored request for project {project_id!r} ({wanted})")
        return request

    def workspace(self, request: StoredRequest) -> Path:
        path = self.settings.workspace(request.project_id, request.revision)
        path.mkdir(parents=True, exist_ok=True)
        return path
