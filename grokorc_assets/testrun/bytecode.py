"""A read-only bytecode cache for the interpreter used inside the sandbox (see defaults.yaml)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from grokorc_assets.testrun.common import defaults

_MARKER = ".complete"


def _commands(packages: Sequence[str]) -> list[list[str]]:
    """compileall of the stdlib (minus its tests and site-packages), then of the listed packages."""
    site = Path(sysconfig.get_paths()["purelib"])
    paths = [str(site / name) for name in packages if (site / name).exists()]
    compileall = [sys.executable, "-m", "compileall", "-q"]
    return [[*compileall, "-x", defaults()["bytecode_cache"]["stdlib_exclude"], sysconfig.get_paths()["stdlib"]],
            [*compileall, *paths]]


@lru_cache(maxsize=1)
def bytecode_cache() -> Path | None:
    """The cache dir, compiled once per interpreter (by this trusted process, never in a sandbox).

    None when it cannot be built: the runs are then only slower, not wrong.
    """
    return build_bytecode_cache(Path(os.path.expanduser(defaults()["bytecode_cache"]["dir"])))


def build_bytecode_cache(root: Path, packages: Sequence[str] | None = None) -> Path | None:
    """``root/<cache tag>`` holding the bytecode of the stdlib and ``packages`` (default: the listed
    ones), compiled unless it already holds that of this interpreter and these packages."""
    packages = list(defaults()["bytecode_cache"]["packages"] if packages is None else packages)
    cache = root / sys.implementation.cache_tag
    marker = f"{sys.version}\n{' '.join(packages)}"  # a package added to the list is compiled too
    if (cache / _MARKER).is_file() and (cache / _MARKER).read_text(encoding="utf-8") == marker:
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        for cmd in _commands(packages):
            subprocess.run(cmd, env=env, capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    (cache / _MARKER).write_text(marker, encoding="utf-8")
    return cache
