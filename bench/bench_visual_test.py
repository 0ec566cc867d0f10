"""Benchmark: the whole `visual_test` work of the dashboard demo — every page x 3 viewports in Chromium,
one axe audit per page, overflow, pixel diff against baselines — in a warm process.

Usage: .venv/bin/python bench/bench_visual_test.py [--runs 5] [--json]
Target (issue 5): under 4 s. The first run records baselines; the timed runs compare against them.
Browser launch is included in each run, as in the asset (one browser per run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui, merge_agents
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.storage.baselines import Baseline
from grokorc_assets.visual.browser_models import PageSpec, load_settings
from grokorc_assets.visual.capture import capture
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = load_settings().with_overrides(network_idle_timeout_s=0)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        plan = infer_plan(DASHBOARD)
        backend = generate_backend(plan, workspace)
        generate_frontend(plan, workspace)
        generate_devops(plan, workspace)
        ui = infer_ui(plan, workspace, backend)
        site = merge_agents(workspace, workspace / "site")
        pages = [PageSpec(name=p.slug, url=(site / p.path).as_uri()) for p in ui.pages]
        store = MemoryBaselines(workspace / "baselines")
        timings, report = [], None
        for i in range(args.runs + 1):
            start = time.perf_counter()
            records = capture(pages, None, workspace / f"shots{i}", settings=settings)
            report = judge_shots(records, store, "bench", i + 1, workspace / f"diffs{i}", Tolerance())
            if i:  # run 0 records the baselines
                timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    row = {"figure": f"visual_test of the dashboard demo ({report.total} shots + axe)", "value": median,
           "unit": "s", "reference": 4.0, "ratio": median / 4.0, "target": "ratio <= 1",
           "passed": report.passed, "total": report.total}
    if args.json:
        print(json.dumps({"rows": [row], "timings": timings}, indent=2))
    else:
        print(f"{row['figure']}: median {median:.2f} s over {len(timings)} runs (target < 4 s); "
              f"{report.passed}/{report.total} passed; runs: {', '.join(f'{t:.2f}' for t in timings)}")


if __name__ == "__main__":
    main()
