"""Asset values as readable JSON files (never pickles), one per asset and partition."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dagster import ConfigurableIOManager, InputContext, OutputContext


class JsonIOManager(ConfigurableIOManager):
    base_dir: str

    def _path(self, context: InputContext | OutputContext) -> Path:
        key = context.asset_key.path if context.has_asset_key else [context.name]
        partition = context.asset_partition_key if context.has_asset_partitions else "__all__"
        return Path(self.base_dir, *key, f"{partition}.json")

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
