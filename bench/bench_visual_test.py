"""Benchmark: the whole `visual_test` work of the dashboard demo — every page x 3 viewports in Chromium,
one axe audit per page, overflow, pixel diff against baselines — in a warm process.

Usage: .venv/bin/python bench/bench_visual_test.py [--runs 5] [--json]
Target (issue 5): under 4 s. The first run records baselines; the timed runs compare against them, in
five variants measured in the same process: one browser shooting every page twice (the stage before
issue 16) with Playwright's screenshots and with the DevTools capture of still pages (the baselines are
recorded by the latter, so a variant keeping baseline-equal shots must use it too), a first build (no
baselines) that shoots a page seen still once, one browser keeping a first shot equal to its baseline,
and two browsers side by side.
Browser launch is included in each run, as in the asset (one browser per worker per run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from grokorc_assets.assets.visual_test import site_pages
from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui, merge_agents
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.serve import served_project
from grokorc_assets.serve.seed import seed_sample_data
from grokorc_assets.storage.baselines import Baseline
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import load_settings
from grokorc_assets.visual.capture import capture_in_parallel
from grokorc_assets.visual.regression import Tolerance, judge_shots

DASHBOARD = "Sales analytics dashboard with revenue by region, top products, monthly orders and CSV export."


class MemoryBaselines:
    """The BaselineStore protocol in memory (the asset uses Postgres; the timing is the browser's)."""

    def __init__(self, root: Path):
        self._root, self._current = root, {}

    def current(self, project_id, page, viewport):
        return self._current.get((project_id, page, viewport))

    def promote(self, project_id, page, viewport, image, revision, approved_by):
        target = self._root / project_id / page / f"{viewport}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image, target)
        baseline = Baseline(image_path=str(target), sha256="-", revision=revision, approved_by=approved_by)
        self._current[(project_id, page, viewport)] = baseline
        return baseline


VARIANTS = {
    # name: (browsers, keep a first shot equal to its baseline, DevTools capture of still pages,
    #        shoot a page seen still once when it has no baseline)
    "one browser, two shots each, Playwright screenshots (before)": (1, False, False, False),
    "one browser, two shots each, fast capture (a first build before: still pages proven by a second shot)":
        (1, False, True, False),
    "one browser, no baselines, still pages shot once, fast capture (a first build now)": (1, False, True, True),
    "one browser, baseline-equal shot kept, fast capture (default: visual/data/visual.yaml)": (1, True, True, True),
    "two browsers, baseline-equal shot kept, fast capture": (2, True, True, True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        plan = infer_plan(DASHBOARD)
        backend = generate_backend(plan, workspace)
        generate_frontend(plan, workspace)
        generate_devops(plan, workspace)
        ui = infer_ui(plan, workspace, backend)
        site = merge_agents(workspace, workspace / "site")
        store = MemoryBaselines(workspace / "baselines")
        # Served and seeded as the asset does (the sandboxed app, sample data through its API): pages opened
        # as files cannot reach their API and would all be error screens, which are never baselined.
        with served_project(site) as served:
            seed_sample_data(served.url, backend.model_dump(mode="json").get("resources") or [])
            pages = site_pages(served.url, [p.model_dump(mode="json") for p in ui.pages])
            timings, report = measure(pages, store, workspace, base, args.runs)
    before = statistics.median(timings[next(iter(VARIANTS))])
    rows = [{"figure": f"visual_test of the dashboard demo ({report.total} shots + axe), {name}",
             "value": statistics.median(t), "unit": "s", "reference": 4.0, "ratio": statistics.median(t) / 4.0,
             "target": "ratio <= 1", "vs_before": statistics.median(t) / before} for name, t in timings.items()]
    if args.json:
        print(json.dumps({"rows": rows, "timings": timings, "passed": report.passed, "total": report.total},
                         indent=2))
        return
    for row in rows:
        print(f"{row['figure']}: median {row['value']:.2f} s (target < 4 s; {row['vs_before']:.2f}x before)")
    print(f"{report.passed}/{report.total} passed in the last run")


def measure(pages, store, workspace: Path, base, runs: int):
    def expected(page: str, viewport: str) -> bytes | None:
        baseline = store.current("bench", page, viewport)
        return Path(baseline.image_path).read_bytes() if baseline else None

    with BrowserSession(base) as session:  # run 0 records the baselines
        judge_shots(capture_in_parallel(pages, workspace / "shots0", session=session), store, "bench", 1,
                    workspace / "diffs0", Tolerance())
    timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    report = None
    for i in range(runs):  # interleaved: load drifts hit every variant alike
        for name, (browsers, keep, fast, once) in VARIANTS.items():
            out = workspace / f"shots-{i}-{browsers}-{keep}-{fast}-{once}"
            start = time.perf_counter()  # browser launch included, as in the asset
            settings = base.with_overrides(capture_workers=browsers, fast_capture=fast, one_shot_when_quiet=once)
            with BrowserSession(settings) as session:
                records = capture_in_parallel(pages, out, session=session, expected=expected if keep else None)
            report = judge_shots(records, store, "bench", 2, out / "diffs", Tolerance())
            timings[name].append(time.perf_counter() - start)
    return timings, report


if __name__ == "__main__":
    main()
