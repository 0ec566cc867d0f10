"""Where asset values live on disk: ``<home>/assets/<asset>/<project>/r<revision>.json``.

Revisions of one project never share a value: two builds of the same project running at once (a
double-submit, a CLI build beside a sensor run) each read their own upstream values. Runs that carry no
revision tag (a materialisation or backfill started from the Dagster UI builds the latest revision)
use ``<home>/assets/<asset>/<project>.json``. Plain Python: the IO manager and the readers share it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_REVISION_FILE = re.compile(r"^r(\d+)\.json$")


def value_path(base: Path, asset: str, partition: str, revision: int | None) -> Path:
    if revision is None:
        return base / asset / f"{partition}.json"
    return base / asset / partition / f"r{revision}.json"


def read_value(base: Path, asset: str, partition: str, revision: int | None) -> dict | None:
    """The value the build of ``revision`` stored, else (an untagged run built it) the untagged one."""
    for path in (value_path(base, asset, partition, revision), value_path(base, asset, partition, None)):
        if path.is_file():
            return json.loads(path.read_text())
    return None


def latest_value(base: Path, asset: str, partition: str) -> dict | None:
    """The value of the newest revision that has one (or the untagged value when none has)."""
    folder = base / asset / partition
    revisions = sorted(int(m[1]) for p in folder.glob("r*.json") if (m := _REVISION_FILE.match(p.name))) \
        if folder.is_dir() else []
    return read_value(base, asset, partition, revisions[-1] if revisions else None)
