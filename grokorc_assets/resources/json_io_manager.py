"""Asset values as readable JSON files (never pickles), one per asset, partition and revision (the
layout is in ``storage/asset_files.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from dagster import ConfigurableIOManager, InputContext, OutputContext
from pydantic import Field

from grokorc_assets.contract import revision_of
from grokorc_assets.resources.env import overlay
from grokorc_assets.settings import Settings
from grokorc_assets.storage.asset_files import value_path


class JsonIOManager(ConfigurableIOManager):
    """Files under ``<GROKORC_HOME>/assets``. definitions.py sets ``home`` from ``EnvVar("GROKORC_HOME")``
    (resolved in the step's process; empty means ./.grokorc); ``None`` leaves it to the process environment."""

    ENV_VARS: ClassVar[dict[str, str]] = {"home": "GROKORC_HOME"}

    home: str | None = Field(default=None, description="GROKORC_HOME: values go to <home>/assets.")

    @property
    def base_dir(self) -> Path:
        return Settings.from_env(overlay(self)).home / "assets"

    def _path(self, context: InputContext | OutputContext) -> Path:
        asset = "/".join(context.asset_key.path) if context.has_asset_key else context.name
        partition = context.asset_partition_key if context.has_asset_partitions else "__all__"
        return value_path(self.base_dir, asset, partition, _revision(context))

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        if obj is None:
            return
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str))
        tmp.replace(path)  # atomic: a reader never sees half a file
        context.add_output_metadata({"path": str(path)})

    def load_input(self, context: InputContext) -> Any:
        return json.loads(self._path(context).read_text())


def _revision(context: InputContext | OutputContext) -> int | None:
    """The revision the run builds (its tag); None for untagged runs and contexts outside a run."""
    try:
        tags = context.step_context.run_tags
    except Exception:  # noqa: BLE001 - a context built outside a run (tests, direct loads) has no step
        return None
    return revision_of(tags)
