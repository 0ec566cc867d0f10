"""Benchmark: what a telemetry outage costs a build. `grokorc build` of the dashboard demo, in turn
without telemetry, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a port nobody listens on, and at a
black hole (accepts connections, never answers); ratio of each median to the no-telemetry median
measured in the same run.

Usage: .venv/bin/python bench/bench_otlp_outage.py [--runs 2] [--json]
Target (issue 16): an unreachable or silent collector costs a build at most 1 s in total (it cost 71 s).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import one_build, private_home  # noqa: E402


def black_hole() -> tuple[str, socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    kept: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                kept.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}", server


def dead_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: nothing listens there


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    hole, server = black_hole()
    cases = {"no telemetry": {}, "collector down": {"OTEL_EXPORTER_OTLP_ENDPOINT": dead_endpoint()},
             "collector never answers": {"OTEL_EXPORTER_OTLP_ENDPOINT": hole}}
    timings: dict[str, list[float]] = {name: [] for name in cases}
    with private_home("grokorc-bench-otlp-") as base:
        try:
            for i in range(args.runs):  # interleaved, so load drifts hit every case alike
                for name, extra in cases.items():
                    elapsed, _, _ = one_build({**base, **extra}, hash((name, i)) & 0xFFFF)
                    timings[name].append(elapsed)
        finally:
            server.close()
    reference = statistics.median(timings["no telemetry"])
    rows = [{"figure": f"grokorc build, {name} (median)", "value": statistics.median(t), "unit": "s",
             "reference": reference, "ratio": statistics.median(t) / reference,
             "extra_seconds": statistics.median(t) - reference, "target": "extra <= 1 s"}
            for name, t in timings.items()]
    if args.json:
        print(json.dumps({"rows": rows, "timings": timings}, indent=2))
        return
    for row in rows:
        print(f"{row['figure']:<48} {row['value']:>7.2f} s  ratio {row['ratio']:.3f}  "
              f"extra {row['extra_seconds']:+.2f} s")


if __name__ == "__main__":
    main()
