"""Benchmark: the dashboard demo's sandboxed test + coverage run with the sandbox's bytecode cache built
from the package list as it was before 2026-12-03 (fastapi's opentelemetry, starlette's httpx2, pytest's
pygments and pydantic_core missing, so compiled from source in every run) and as it is now.

    .venv/bin/python bench/bench_sandbox_bytecode.py [--runs 5] [--json]

Both caches are built first into a temporary directory (not timed); the runs alternate between them. Each
run is the coverage step's own command, `coverage run -m pytest` in the sandbox, as `run_python_tests`
starts it (the report rendering that follows is the same for both and left out).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from grokorc_assets.generation import generate_backend
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.sandbox import Limits, run_sandboxed
from grokorc_assets.testrun.bytecode import build_bytecode_cache
from grokorc_assets.testrun.common import defaults

DASHBOARD = "Sales analytics dashboard with revenue by region, top products, monthly orders and CSV export."
BEFORE = ["pytest", "_pytest", "coverage", "fastapi", "starlette", "pydantic", "anyio", "httpx", "httpcore", "h11",
          "pluggy", "iniconfig", "packaging", "idna", "sniffio", "certifi", "annotated_types", "annotated_doc",
          "typing_extensions.py", "typing_inspection", "py.py"]


def one_run(project: Path, cache: Path) -> float:
    env = {**(defaults()["python"].get("env") or {}), "PYTHONPYCACHEPREFIX": str(cache)}
    cmd = [sys.executable, "-m", "coverage", "run", "--branch", "--source=app", "-m", "pytest", "tests", "-q",
           "-p", "no:cacheprovider"]
    started = time.monotonic()
    done = run_sandboxed(cmd, workdir=project, limits=Limits(), ro_paths=[cache], env=env)
    elapsed = time.monotonic() - started
    if not done.ok:
        raise SystemExit(f"the test run failed: {done.stderr_tail[-1000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grokorc-bench-bytecode-") as tmp:
        root = Path(tmp)
        caches = {"before": build_bytecode_cache(root / "before", BEFORE),
                  "now": build_bytecode_cache(root / "now")}
        generate_backend(infer_plan(DASHBOARD), root / "workspace")
        project = root / "workspace" / "agents" / "backend" / "backend"
        timings: dict[str, list[float]] = {name: [] for name in caches}
        for _ in range(args.runs):  # alternating: load drifts hit both alike
            for name, cache in caches.items():
                timings[name].append(one_run(project, cache))
    before, now = statistics.median(timings["before"]), statistics.median(timings["now"])
    if args.json:
        print(json.dumps({"timings": timings, "before_s": before, "now_s": now, "ratio": now / before}, indent=2))
        return
    print(f"sandboxed test run of the dashboard demo, median of {args.runs}: before {before:.2f} s, "
          f"now {now:.2f} s ({now / before:.2f}x)")


if __name__ == "__main__":
    main()
