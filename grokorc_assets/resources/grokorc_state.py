"""The resource that gives assets grokorc's settings, database and per-revision workspaces."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource

from grokorc_assets.settings import Settings
from grokorc_assets.storage.database import ensure_database
from grokorc_assets.storage.requests import RequestStore, StoredRequest

REVISION_TAG = "grokorc/revision"


class GrokorcState(ConfigurableResource):
    """Reads the environment in the step process (run workers inherit GROKORC_* from the launcher)."""

    @cached_property
    def settings(self) -> Settings:
        return Settings.from_env()

    @cached_property
    def engine(self) -> sa.Engine:
        return ensure_database(self.settings)

    @cached_property
    def requests(self) -> RequestStore:
        return RequestStore(self.engine)

    def request_for_run(self, project_id: str, run_tags: dict[str, str]) -> StoredRequest:
        """The revision this run builds: the run's tag, else the latest stored one."""
        revision = int(run_tags[REVISION_TAG]) if REVISION_TAG in run_tags else None
        request = self.requests.get(project_id, revision)
        if request is None:
            wanted = f"revision {revision}" if revision else "any revision"
            raise ValueError(f"no stored request for project {project_id!r} ({wanted})")
        return request

    def workspace(self, request: StoredRequest) -> Path:
        path = self.settings.workspace(request.project_id, request.revision)
        path.mkdir(parents=True, exist_ok=True)
        return path
