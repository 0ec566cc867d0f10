"""Before/after snapshots proving that hostile input wrote nothing where it must not."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from grokorc_tests.hardening_tests.hostile_inputs import MARK

REPO = Path(__file__).resolve().parents[2]
SENSITIVE = [Path(p) for p in ("/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/group", "/etc/crontab",
                               "/root/.bashrc", "/root/.profile", "/root/.ssh/authorized_keys")]
# Places a traversal or a shell payload would land in; searched (not recursively) for the marker.
SHALLOW = [Path(p) for p in ("/", "/tmp", "/etc", "/etc/cron.d", "/root", "/var/tmp", "/dev/shm")]
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules", ".grokorc"}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except PermissionError:
        return "unreadable"


def repo_tree(root: Path = REPO) -> set[str]:
    """Every path of the repository (caches and the virtualenv excluded), relative to it."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        rel = Path(dirpath).relative_to(root)
        found.update(str(rel / name) for name in dirnames + filenames)
    return found


def marker_paths(*extra_roots: Path) -> list[str]:
    """Files or directories whose name carries the payloads' marker."""
    hits = []
    for root in SHALLOW:
        try:
            hits += [str(p) for p in root.iterdir() if MARK in p.name]
        except (FileNotFoundError, PermissionError):
            continue
    for root in (REPO, *extra_roots):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in {".git", ".venv", "node_modules"}]
            hits += [os.path.join(dirpath, n) for n in dirnames + filenames if MARK in n]
    return hits


@dataclass
class Snapshot:
    sensitive: dict[str, str | None]
    repo: set[str]
    markers: list[str]
    extra_roots: tuple[Path, ...]

    @classmethod
    def take(cls, *extra_roots: Path) -> Snapshot:
        return cls({str(p): _digest(p) for p in SENSITIVE}, repo_tree(), marker_paths(*extra_roots), extra_roots)

    def problems_since(self) -> list[str]:
        """What changed since the snapshot that hostile input could have caused (empty: nothing)."""
        after = Snapshot.take(*self.extra_roots)
        problems = [f"{p} changed" for p, d in self.sensitive.items() if after.sensitive[p] != d]
        problems += [f"marker file appeared: {p}" for p in after.markers]
        # New repository paths named like a payload's target (others may add ordinary files meanwhile).
        suspicious = {"etc", "passwd", "con", "nul", "aux", "prn", "..", "%2e%2e", "cron.d", "authorized_keys"}
        problems += [f"new repository path {p}" for p in after.repo - self.repo
                     if set(Path(p).parts) & suspicious or "%2" in p or "~" in p]
        return problems
