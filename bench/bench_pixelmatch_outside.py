"""Count-only pixelmatch timings as an outside reviewer measured them: ours vs JS 7.2.0 (Node).

    .venv/bin/python bench/bench_pixelmatch_outside.py [--runs 20] [--warmup 5] [--json]

A second opinion on bench_pixelmatch.py, deliberately not sharing its loading or timing code:
each PNG is decoded the most ordinary way, np.asarray(Image.open(p).convert("RGBA")) (a read-only
array, not our read_png), and each pair is timed as the median of `--runs` calls after `--warmup`
calls, ours and JS (bench/js/bench.mjs with the same RUNS and WARMUP) alike. Needs `npm ci` in
bench/js/; the screenshots come from <eval dir>/diffbench/ as for bench_pixelmatch.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grokorc_assets.visual import pixelmatch  # noqa: E402

OTHERS = ("b", "noise", "shift")


def load(diffbench: Path, name: str) -> np.ndarray:
    return np.asarray(Image.open(diffbench / f"{name}_1280x800.png").convert("RGBA"))


def time_ours(a: np.ndarray, b: np.ndarray, runs: int, warmup: int) -> tuple[int, float]:
    for _ in range(warmup):
        pixelmatch(a, b)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        count = pixelmatch(a, b)
        times.append((time.perf_counter() - start) * 1e3)
    return count, statistics.median(times)


def time_js(diffbench: Path, runs: int, warmup: int) -> dict:
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")
    proc = subprocess.run([node, "bench.mjs", str(diffbench), str(runs), str(warmup)],
                          cwd=REPO / "bench" / "js", capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)["cases"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    diffbench = Path(os.environ.get("GROKORC_EVAL_DIR") or REPO.parent / "shared" / "eval") / "diffbench"
    base = load(diffbench, "a")
    rows = {}
    for other in OTHERS:
        count, median = time_ours(base, load(diffbench, other), args.runs, args.warmup)
        rows[other] = {"ours_mismatched": count, "ours_median_ms": median}
    for other, case in time_js(diffbench, args.runs, args.warmup).items():
        rows[other].update(js_mismatched=case["mismatched"], js_median_ms=case["median_ms"],
                           ours_over_js=rows[other]["ours_median_ms"] / case["median_ms"])
    if args.json:
        print(json.dumps({"runs": args.runs, "warmup": args.warmup, "cases": rows}, indent=2))
        return
    print(f"outside harness: median of {args.runs} after {args.warmup} warm-ups, PIL-decoded input")
    print(f"{'case':<7}{'ours ms':>9}{'JS ms':>9}{'ours/JS':>9}  counts ours/js")
    for other, row in rows.items():
        print(f"{other:<7}{row['ours_median_ms']:9.2f}{row['js_median_ms']:9.2f}{row['ours_over_js']:9.2f}"
              f"  {row['ours_mismatched']}/{row['js_mismatched']}")


if __name__ == "__main__":
    main()
