"""Union the agents' staging trees into <workspace>/project/.

Order is fixed (frontend, backend, devops, ui): when two agents wrote the same path the later one
wins here; detecting and mediating such clashes is the conflicts stage's job, not this function's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

AGENT_ORDER: tuple[str, ...] = ("frontend", "backend", "devops", "ui")


def merge_agents(workspace: Path, target: Path | None = None) -> Path:
    """Rebuild ``target`` (default <workspace>/project/) from scratch out of whichever agent trees exist."""
    workspace = Path(workspace)
    project = Path(target) if target is not None else workspace / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for agent in AGENT_ORDER:
        tree = workspace / "agents" / agent
        if tree.is_dir():
            shutil.copytree(tree, project, dirs_exist_ok=True)
    return project
