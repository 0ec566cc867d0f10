"""Benchmark: the executor choice for offline builds. `grokorc build` of the dashboard demo, alternately
with every step in the run's process (GROKORC_EXECUTOR=in_process, the offline default) and with a
process per step (multiprocess, forkserver), interleaved so load drifts hit both alike. Reports median
build time, peak PSS of the build's process tree (browser excluded) and the per-step seconds, with the
ratio in_process / multiprocess measured in the same run.

Usage: .venv/bin/python bench/bench_executor.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import one_build, private_home  # noqa: E402

EXECUTORS = ("multiprocess", "in_process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {e: [] for e in EXECUTORS}
    pss: dict[str, list[float]] = {e: [] for e in EXECUTORS}
    steps: dict[str, dict] = {}
    with private_home("grokorc-bench-executor-") as base:
        for i in range(args.runs):
            for executor in EXECUTORS:
                elapsed, memory, result = one_build({**base, "GROKORC_EXECUTOR": executor}, 1000 + i)
                seconds[executor].append(elapsed)
                pss[executor].append(memory["peak_rss"] / 2**20)
                steps[executor] = {k: v["seconds"] for k, v in result["execution"]["assets"].items()}
    median = {e: statistics.median(seconds[e]) for e in EXECUTORS}
    peak = {e: max(pss[e]) for e in EXECUTORS}
    rows = [
        {"figure": f"grokorc build, dashboard, {e} (median)", "value": median[e], "unit": "s"} for e in EXECUTORS
    ] + [
        {"figure": f"peak PSS of the build tree, {e}", "value": peak[e], "unit": "MB"} for e in EXECUTORS
    ] + [
        {"figure": "build time ratio in_process / multiprocess", "value": median["in_process"] / median["multiprocess"],
         "unit": ""},
        {"figure": "peak PSS ratio in_process / multiprocess", "value": peak["in_process"] / peak["multiprocess"],
         "unit": ""},
    ]
    if args.json:
        print(json.dumps({"rows": rows, "seconds": seconds, "pss_mb": pss, "steps": steps}, indent=2))
        return
    for row in rows:
        print(f"{row['figure']:<50} {row['value']:>9.3f} {row['unit']}")
    for executor in EXECUTORS:
        print(f"{executor}: runs {', '.join(f'{t:.1f}' for t in seconds[executor])}; steps {steps[executor]}")


if __name__ == "__main__":
    main()
