"""Count-only pixelmatch timings on the diffbench screenshots: ours vs JS 7.2.0 (Node) vs PyPI 0.4.0.

    .venv/bin/python bench/bench_pixelmatch.py [--runs 21] [--rounds 3] [--pypi-runs 3] [--json]

Compares a_1280x800.png with b (small edit), noise (+-2 per channel) and shift (moved one pixel),
with output=None. Ours and JS alternate over `--rounds` rounds and their times are pooled, so load
from other processes on a shared machine hits both alike; the medians give the ratios
ours/JS (target <= 1.0) and PyPI/ours (target >= 100). --json prints the report with "rows"
(one row per case and comparison: value, reference, ratio, target).

The screenshots (<eval dir>/diffbench/) are not part of the repository: the eval dir is an optional
external data directory, set with GROKORC_EVAL_DIR (default: a shared/eval directory beside the checkout).
The JS side needs `npm ci` in bench/js/ and is skipped without it. bench_pixelmatch_outside.py times
the same pairs independently, the way an outside reviewer did (PIL-decoded input, median of 20).
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grokorc_assets.visual import pixelmatch, read_png  # noqa: E402

OTHERS = ("b", "noise", "shift")
JS_DIR = REPO / "bench" / "js"


def eval_dir() -> Path:
    return Path(os.environ.get("GROKORC_EVAL_DIR") or REPO.parent / "shared" / "eval")


def load_images(diffbench: Path) -> dict:
    return {name: read_png(diffbench / f"{name}_1280x800.png") for name in ("a", *OTHERS)}


def time_calls(fn, runs: int) -> tuple[int, list[float]]:
    result, times = None, []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1e3)
    return result, times


def time_ours(images: dict, runs: int) -> dict:
    out = {}
    for other in OTHERS:
        a, b = images["a"], images[other]
        pixelmatch(a, b)  # warm-up: first-touch allocations
        out[other] = time_calls(lambda a=a, b=b: pixelmatch(a, b), runs)
    return out


def time_js(diffbench: Path, runs: int) -> dict | None:
    node = shutil.which("node")
    if node is None or not (JS_DIR / "node_modules" / "pixelmatch").is_dir():
        return None
    proc = subprocess.run([node, "bench.mjs", str(diffbench), str(runs), "3"], cwd=JS_DIR,
                          capture_output=True, text=True, check=True)
    cases = json.loads(proc.stdout)["cases"]
    return {other: (cases[other]["mismatched"], cases[other]["times_ms"]) for other in OTHERS}


def time_pypi(images: dict, runs: int) -> dict | None:
    try:
        from pixelmatch import pixelmatch as pypi_pixelmatch
    except ImportError:
        return None
    h, w = images["a"].shape[:2]
    flat = {name: img.tobytes() for name, img in images.items()}  # bytes: its fastest input type
    return {
        other: time_calls(lambda other=other: pypi_pixelmatch(flat["a"], flat[other], w, h), runs)
        for other in OTHERS
    }


def _merge(pooled: dict, part: dict | None) -> None:
    for other, (count, times) in (part or {}).items():
        pooled.setdefault(other, [count, []])
        pooled[other][0] = count
        pooled[other][1].extend(times)


def run(args) -> dict:
    diffbench = eval_dir() / "diffbench"
    images = load_images(diffbench)
    ours: dict = {}
    js: dict = {}
    for _ in range(args.rounds):
        _merge(ours, time_ours(images, args.runs))
        if not args.skip_js:
            _merge(js, time_js(diffbench, args.runs))
    pypi: dict = {}
    if args.pypi_runs > 0:
        _merge(pypi, time_pypi(images, args.pypi_runs))
    report = {"eval_dir": str(diffbench), "runs_per_round": args.runs, "rounds": args.rounds,
              "pypi_runs": args.pypi_runs, "cases": {}}
    for other in OTHERS:
        row = {"ours_mismatched": ours[other][0], "ours_median_ms": statistics.median(ours[other][1])}
        if other in js:
            row.update(js_mismatched=js[other][0], js_median_ms=statistics.median(js[other][1]))
            row["ours_over_js"] = row["ours_median_ms"] / row["js_median_ms"]
        if other in pypi:
            row.update(pypi_mismatched=pypi[other][0], pypi_median_ms=statistics.median(pypi[other][1]))
            row["pypi_over_ours"] = row["pypi_median_ms"] / row["ours_median_ms"]
        report["cases"][other] = row
    return report


def report_rows(report: dict) -> list[dict]:
    rows = []
    for other, row in report["cases"].items():
        if "js_median_ms" in row:
            rows.append({"figure": f"pixelmatch a vs {other}, ours vs JS 7.2.0", "value": row["ours_median_ms"],
                         "unit": "ms", "reference": row["js_median_ms"], "ratio": row["ours_over_js"],
                         "target": "ratio <= 1", "same_count": row["ours_mismatched"] == row["js_mismatched"]})
        if "pypi_median_ms" in row:
            rows.append({"figure": f"pixelmatch a vs {other}, PyPI 0.4.0 vs ours", "value": row["pypi_median_ms"],
                         "unit": "ms", "reference": row["ours_median_ms"], "ratio": row["pypi_over_ours"],
                         "target": "ratio >= 100", "same_count": row["ours_mismatched"] == row["pypi_mismatched"]})
    return rows


def print_table(report: dict) -> None:
    cols = ("case", "ours ms", "JS ms", "PyPI ms", "ours/JS", "PyPI/ours", "counts o/js/py")
    print(f"diffbench: {report['eval_dir']}  (ours & JS: {report['rounds']} x {report['runs_per_round']} "
          f"runs, PyPI: {report['pypi_runs']} runs; medians)")
    print("{:<7}{:>10}{:>10}{:>11}{:>9}{:>11}  {}".format(*cols))

    def fmt(value, spec):
        return "-" if value is None else format(value, spec)

    for other, row in report["cases"].items():
        keys = ("ours_mismatched", "js_mismatched", "pypi_mismatched")
        counts = "/".join(str(row.get(k, "-")) for k in keys)
        print(f"{other:<7}{fmt(row['ours_median_ms'], '10.2f')}{fmt(row.get('js_median_ms'), '10.2f')}"
              f"{fmt(row.get('pypi_median_ms'), '11.0f')}{fmt(row.get('ours_over_js'), '9.2f')}"
              f"{fmt(row.get('pypi_over_ours'), '11.0f')}  {counts}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs per round, ours and JS")
    parser.add_argument("--rounds", type=int, default=3, help="alternating ours/JS rounds, pooled")
    parser.add_argument("--pypi-runs", type=int, default=3, help="runs of PyPI pixelmatch (0 to skip)")
    parser.add_argument("--skip-js", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps({"rows": report_rows(report), **report}, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
