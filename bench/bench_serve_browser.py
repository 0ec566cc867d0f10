"""Benchmark: how long visual_test waits before its first shot: the dashboard demo's app served (sandboxed
uvicorn up and healthy) and Chromium launched, one after the other (as before) and side by side
(visual/served_browser.py), alternating so load drifts hit both alike: the time until both are ready.

Usage: .venv/bin/python bench/bench_serve_browser.py [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, merge_agents  # noqa: E402
from grokorc_assets.planning.inference import infer_plan  # noqa: E402
from grokorc_assets.serve import served_project  # noqa: E402
from grokorc_assets.visual.browser import BrowserSession  # noqa: E402
from grokorc_assets.visual.browser_models import load_settings  # noqa: E402
from grokorc_assets.visual.served_browser import served_with_browser  # noqa: E402

DASHBOARD = "Sales analytics dashboard with revenue by region, top products, monthly orders and CSV export."


def one_after_the_other(site: Path) -> float:
    start = time.perf_counter()
    with served_project(site), BrowserSession(load_settings()):
        ready = time.perf_counter() - start
    return ready


def side_by_side(site: Path) -> float:
    start = time.perf_counter()
    with served_with_browser(site, load_settings()):
        ready = time.perf_counter() - start
    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        plan = infer_plan(DASHBOARD)
        generate_backend(plan, workspace)
        generate_frontend(plan, workspace)
        generate_devops(plan, workspace)
        site = merge_agents(workspace, workspace / "site")
        times: dict[str, list[float]] = {"one after the other": [], "side by side": []}
        side_by_side(site)  # warm: imports, page cache
        for _ in range(args.rounds):
            times["one after the other"].append(one_after_the_other(site))
            times["side by side"].append(side_by_side(site))
    medians = {name: statistics.median(t) for name, t in times.items()}
    ratio = medians["side by side"] / medians["one after the other"]
    if args.json:
        print(json.dumps({"seconds": times, "medians": medians, "ratio": ratio}, indent=2))
        return
    for name, value in medians.items():
        print(f"served and Chromium ready, {name}: median {value:.2f} s over {args.rounds} rounds")
    print(f"ratio side by side / one after the other: {ratio:.2f}")


if __name__ == "__main__":
    main()
