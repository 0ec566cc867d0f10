"""Benchmark: offline generation of a dashboard plan (backend, frontend, devops, ui) in a warm process.

Usage: .venv/bin/python bench/bench_generation.py [--runs N] [--json]
Prints the median and spread of the wall-clock time of one full generation (target: median < 1 s);
--json prints {"rows": [...], "timings_ms": [...], "files": N}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui
from grokorc_assets.models import Plan, Stack

TARGET_SECONDS = 1.0


def dashboard_plan() -> Plan:
    return Plan(
        archetype="dashboard", confidence=0.91, has_ui=True,
        stack=Stack(frontend=["react"], backend=["fastapi"], database=["postgres"],
                    devops=["docker-compose"]),
        explicit=["react", "fastapi", "postgres"], entities=["order", "region", "product"],
        features=["charts", "csv_export", "filters"], pages=["overview", "orders"],
    )


def generate_all(plan: Plan, workspace: Path) -> int:
    backend = generate_backend(plan, workspace)
    results = [backend, generate_frontend(plan, workspace), generate_devops(plan, workspace),
               infer_ui(plan, workspace, backend)]
    return sum(len(r.files) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    plan = dashboard_plan()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        files = generate_all(plan, workspace)  # warm-up: imports and template compilation
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            generate_all(plan, workspace)
            timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    low, high = min(timings) * 1000, max(timings) * 1000
    if args.json:
        row = {"figure": f"generation of the dashboard plan, warm ({files} files, median)", "value": median * 1000,
               "unit": "ms", "reference": TARGET_SECONDS * 1000, "ratio": median / TARGET_SECONDS,
               "target": "ratio < 1"}
        print(json.dumps({"rows": [row], "files": files, "timings_ms": [t * 1000 for t in timings]}, indent=2))
        return
    print(f"generation (backend+frontend+devops+ui, dashboard plan, {files} files): "
          f"median {median * 1000:.1f} ms, min {low:.1f} ms, max {high:.1f} ms "
          f"over {args.runs} warm runs; target < {TARGET_SECONDS * 1000:.0f} ms: "
          f"{'PASS' if median < TARGET_SECONDS else 'FAIL'}")


if __name__ == "__main__":
    main()
