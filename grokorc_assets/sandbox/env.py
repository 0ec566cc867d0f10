"""The child's environment: built from nothing plus an allow-list, never copied from the parent.

Copying ``os.environ`` and deleting known secrets is a deny-list, and deny-lists leak whatever
nobody thought of; starting empty means an API key in the parent cannot reach generated code.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from pathlib import Path

from grokorc_assets.sandbox.config import defaults


def is_denied(name: str) -> bool:
    """True for names that look like credentials or grokorc's own configuration."""
    upper = name.upper()
    return any(fnmatch.fnmatchcase(upper, pattern.upper()) for pattern in defaults()["denied_env"])


def build_env(
    *, home: Path, tmpdir: Path, extra_path: list[str], extra: Mapping[str, str] | None
) -> tuple[dict[str, str], list[str]]:
    """Return (environment, names dropped from ``extra``)."""
    cfg = defaults()
    env = {str(k): str(v) for k, v in cfg["base_env"].items()}
    path = [p for p in extra_path if p] + list(cfg["base_path"])
    env.update(PATH=":".join(dict.fromkeys(path)), HOME=str(home), TMPDIR=str(tmpdir))
    dropped: list[str] = []
    for name, value in (extra or {}).items():
        if is_denied(name):
            dropped.append(name)
        else:
            env[name] = str(value)
    return env, sorted(dropped)
