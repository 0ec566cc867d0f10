"""Merging agent trees, and determinism of the whole generation across processes."""

from __future__ import annotations

import json
import subprocess
import sys

from grokorc_assets.generation import (
    AGENT_ORDER,
    generate_backend,
    generate_devops,
    generate_frontend,
    infer_ui,
    merge_agents,
)
from grokorc_tests.generation_tests.plans import HOSTILE_TITLE, hostile

MANIFEST = """
import json, sys
from pathlib import Path
from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui
from grokorc_tests.generation_tests.plans import HOSTILE_TITLE, hostile
ws = Path(sys.argv[1])
b = generate_backend(hostile(), ws, title=HOSTILE_TITLE)
results = [b, generate_frontend(hostile(), ws, title=HOSTILE_TITLE),
           generate_devops(hostile(), ws, title=HOSTILE_TITLE),
           infer_ui(hostile(), ws, b, title=HOSTILE_TITLE)]
print(json.dumps({r.agent: [f.model_dump() for f in r.files] for r in results}))
"""


def manifest_here(workspace):
    plan = hostile()
    b = generate_backend(plan, workspace, title=HOSTILE_TITLE)
    results = [b, generate_frontend(plan, workspace, title=HOSTILE_TITLE),
               generate_devops(plan, workspace, title=HOSTILE_TITLE),
               infer_ui(plan, workspace, b, title=HOSTILE_TITLE)]
    return {r.agent: [f.model_dump() for f in r.files] for r in results}


def test_same_plan_same_bytes_in_another_process(tmp_path):
    here = manifest_here(tmp_path / "a")
    # A fresh interpreter has a different hash seed: set iteration order must not leak into output.
    out = subprocess.run([sys.executable, "-c", MANIFEST, str(tmp_path / "b")], capture_output=True,
                         text=True, check=True, env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin"}).stdout
    assert json.loads(out) == here
    assert sum(len(files) for files in here.values()) > 20


def test_regeneration_removes_stale_files(tmp_path):
    generate_backend(hostile(), tmp_path)
    stale = tmp_path / "agents/backend/backend/app/stale.py"
    stale.write_text("x = 1\n")
    generate_backend(hostile(), tmp_path)
    assert not stale.exists()


def test_merge_unions_trees_in_fixed_order(tmp_path):
    for index, agent in enumerate(AGENT_ORDER):
        tree = tmp_path / "agents" / agent
        (tree / "shared").mkdir(parents=True)
        (tree / "shared/same.txt").write_text(agent)
        (tree / f"{agent}.txt").write_text(str(index))
    old = tmp_path / "project/old.txt"
    old.parent.mkdir()
    old.write_text("left over")
    project = merge_agents(tmp_path)
    assert project == tmp_path / "project"
    assert (project / "shared/same.txt").read_text() == AGENT_ORDER[-1]  # last writer wins
    assert sorted(p.name for p in project.glob("*.txt")) == sorted(f"{a}.txt" for a in AGENT_ORDER)
    assert not old.exists()


def test_agents_never_write_the_same_path(generated):
    gen = generated("dashboard")
    owners: dict[str, str] = {}
    for result in (gen.frontend, gen.backend, gen.devops, gen.ui):
        for f in result.files:
            assert f.path not in owners, (f.path, owners.get(f.path), result.agent)
            owners[f.path] = result.agent
    merged = {p.relative_to(gen.project).as_posix() for p in gen.project.rglob("*") if p.is_file()}
    assert set(owners) <= merged
