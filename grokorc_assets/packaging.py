"""The delivered artefact: the final project tree plus report.json, as a reproducible tar.gz."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

# Reports of the coverage run are kept in the workspace, not shipped to the user.
EXCLUDED_DIRS = {".grokorc-reports", "__pycache__", ".pytest_cache"}


def package_project(project_dir: Path, out_dir: Path, name: str, report: dict) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{name}.tar.gz"
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str))
    buffer = io.BytesIO()
    # Fixed mtimes, owners and order: the same project gives the same bytes.
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(project_dir.rglob("*")):
            rel = path.relative_to(project_dir)
            if path.is_symlink() or not path.is_file() or EXCLUDED_DIRS & set(rel.parts):
                continue
            _add(tar, f"{name}/{rel.as_posix()}", path.read_bytes())
        _add(tar, f"{name}/report.json", (out_dir / "report.json").read_bytes())
    with gzip.GzipFile(archive, "wb", mtime=0) as gz:
        gz.write(buffer.getvalue())
    return archive


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))
