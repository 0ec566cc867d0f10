"""Benchmark: what request fidelity costs a build, as a ratio against a reference commit in the same command.

Builds the dashboard demo with `bench/bench_build.py` alternately from this tree and from a reference
commit checked out into a temporary worktree (imported first through PYTHONPATH, same interpreter and
packages), so both sides see the same machine load. Each side has its own GROKORC_HOME.

Usage: .venv/bin/python bench/bench_fidelity_cost.py [--reference 3bd3495] [--rounds 3] [--json]
Target (issue "request fidelity"): the build time grows by at most 20 % (median ratio <= 1.2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_side(tree: Path, runs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(tree / "bench" / "bench_build.py"), "--runs", str(runs), "--json"],
                         env=env, capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", default="3bd3495", help="commit before request fidelity")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    worktree = Path(tempfile.mkdtemp(prefix="grokorc-ref-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.reference], cwd=ROOT,
                   capture_output=True, check=True)
    now, before = [], []
    try:
        for _ in range(args.rounds):  # alternate, so a load spike hits both sides alike
            before += one_side(worktree, 1)["timings"]
            now += one_side(ROOT, 1)["timings"]
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
    ratio = statistics.median(now) / statistics.median(before)
    row = {"figure": "grokorc build of the dashboard demo, with request fidelity vs before (median)",
           "value": statistics.median(now), "unit": "s", "reference": statistics.median(before),
           "ratio": ratio, "target": "ratio <= 1.2", "now": now, "before": before}
    if args.json:
        print(json.dumps(row, indent=2))
        return
    print(f"before ({args.reference}): " + ", ".join(f"{t:.1f}" for t in before) + " s")
    print("now: " + ", ".join(f"{t:.1f}" for t in now) + " s")
    print(f"median now / before = {row['value']:.1f} / {row['reference']:.1f} = {ratio:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
