"""Benchmark of the browser side of visual tests (real Chromium).

    .venv/bin/python bench/bench_browser.py [--repeats 10] [--json]

Prints the median time of one ``shoot()`` (navigate + settle + stabilised screenshots) with one page
reused across shots versus a fresh context + page per shot, with and without the network-idle wait,
and the wall time of a whole ``capture()`` of 3 pages x 3 viewports + one axe audit per page.
--json prints {"rows": [...]}: reused page against fresh page (ratio reused/fresh), and capture().
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import PageSpec, load_settings
from grokorc_assets.visual.capture import capture

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{margin:0;font-family:sans-serif}} header,footer{{background:#123;color:#fff;padding:12px}}
main{{padding:16px;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}}
.card{{border:1px solid #ccc;border-radius:8px;padding:12px}}</style></head>
<body><header><h1>{title}</h1></header><main>{cards}</main><footer>footer</footer></body></html>"""


def write_site(directory: Path) -> list[PageSpec]:
    pages = []
    for name in ("home", "orders", "settings"):
        cards = "".join(f'<div class="card"><h2>{name} {i}</h2><p>Item {i} text.</p></div>' for i in range(24))
        path = directory / f"{name}.html"
        path.write_text(PAGE.format(title=name.title(), cards=cards), encoding="utf-8")
        pages.append(PageSpec(name=name, url=path.as_uri()))
    return pages


def per_shot_ms(url: str, *, reuse_page: bool, idle_s: float, repeats: int) -> float:
    settings = load_settings().with_overrides(network_idle_timeout_s=idle_s)
    viewport = settings.viewports[0]
    with BrowserSession(settings, reuse_page=reuse_page) as session:
        session.shoot(url, viewport)  # warm-up: first navigation, font cache
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            shot = session.shoot(url, viewport)
            times.append((time.perf_counter() - started) * 1000)
            assert shot.stable
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="grokorc-bench-browser-") as tmp:
        pages = write_site(Path(tmp))
        url = pages[0].url
        for idle_s, label in ((0.0, "no network-idle wait"), (3.0, "network-idle wait (default)")):
            reused = per_shot_ms(url, reuse_page=True, idle_s=idle_s, repeats=args.repeats)
            fresh = per_shot_ms(url, reuse_page=False, idle_s=idle_s, repeats=args.repeats)
            rows.append({"figure": f"shoot(), reused page vs fresh page, {label}", "value": reused, "unit": "ms",
                         "reference": fresh, "ratio": reused / fresh, "target": "ratio <= 1"})
            if not args.json:
                print(f"shoot(), {label}: reused page {reused:.0f} ms, fresh page {fresh:.0f} ms, "
                      f"ratio {fresh / reused:.2f}x (median of {args.repeats})")

        started = time.perf_counter()
        records = capture(pages, None, Path(tmp) / "shots")
        wall = time.perf_counter() - started
        shoot_ms = sorted(r.timings.shoot_ms for r in records)
        axe_ms = [r.timings.a11y_ms for r in records if r.timings.a11y_ms is not None]
        rows.append({"figure": f"capture(), {len(pages)} pages x 3 viewports + axe, incl. launch", "value": wall,
                     "unit": "s", "reference": None, "ratio": None, "target": ""})
        if args.json:
            print(json.dumps({"rows": rows, "repeats": args.repeats, "shoot_median_ms": statistics.median(shoot_ms),
                              "axe_median_ms": statistics.median(axe_ms),
                              "all_stable": all(r.stable for r in records)}, indent=2))
            return
        print(f"capture(): {len(pages)} pages x 3 viewports + {len(axe_ms)} axe audits in {wall:.2f} s "
              f"(incl. launch); shoot median {statistics.median(shoot_ms):.0f} ms, "
              f"axe median {statistics.median(axe_ms):.0f} ms, "
              f"all stable: {all(r.stable for r in records)}")


if __name__ == "__main__":
    main()
