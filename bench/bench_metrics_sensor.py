"""Benchmark: one `slo_metrics_sensor` tick over 1,000 new events (read by storage id, fold, push).

    .venv/bin/python bench/bench_metrics_sensor.py [--events 1000] [--repeat 5] [--json]

Starts a private embedded Postgres + Dagster instance (temporary GROKORC_HOME) and a real Pushgateway
(in memory, loopback port), writes ``--events`` relevant events with one real run (80% materialisations of
plan/conflicts/visual_test/coverage/ui with grokorc's metadata keys, 20% check evaluations, + the run end),
then times ``evaluate`` (what the sensor does per tick) from the cursor before those events, ``--repeat``
times (the cursor is not stored, so every repetition does the same work). Target: median < 1 s.
--json prints {"rows": [...], ...} on stdout (progress goes to stderr); exit status 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TARGET_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_pushgateway() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("prometheus-pushgateway") or "/usr/bin/prometheus-pushgateway"
    address = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen([binary, f"--web.listen-address={address}", "--persistence.file="],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            if urllib.request.urlopen(f"http://{address}/-/ready", timeout=2).status == 200:
                return proc, f"http://{address}"
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the Pushgateway did not start") from None
            time.sleep(0.1)


def emit_job(count: int, checks: int):
    from dagster import AssetCheckEvaluation, AssetCheckSeverity, AssetKey, AssetMaterialization, MetadataValue, job, op

    kinds = {
        "plan": {"confidence": 0.81},
        "conflicts": {"conflicts_detected": 2, "conflicts_resolved": 1, "similarities": MetadataValue.json([0.8, 0.9])},
        "visual_test": {"shots": 4, "passed": 3, "failed": 1, "new": 0,
                        "diff_ratios": MetadataValue.json([0.0, 0.001, 0.02, 0.3])},
        "coverage": {"coverage_percent": 96.5},
        "ui": {"components_generated": 7},
    }
    usage = {"input_tokens": 900, "output_tokens": 300, "cost_usd": 0.004, "model": "gpt-4o-mini", "tokens": 1200}

    @op
    def emit(context) -> None:
        names = list(kinds)
        for i in range(count):
            name = names[i % len(names)]
            extra = usage if name in ("plan", "conflicts", "ui") else {}
            context.log_event(AssetMaterialization(asset_key=name, metadata={**kinds[name], **extra}))
        for i in range(checks):
            context.log_event(AssetCheckEvaluation(asset_key=AssetKey("coverage"), check_name="coverage_slo",
                                                   passed=i % 3 != 0, severity=AssetCheckSeverity.ERROR))

    @job
    def bench_events():
        emit()

    return bench_events


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000, help="relevant events (run end included)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="grokorc-bench-metrics-")
    os.environ["GROKORC_HOME"] = home
    os.environ.pop("GROKORC_DATABASE_URL", None)
    from grokorc_assets.instance import get_instance
    from grokorc_assets.sensors.slo_metrics_sensor import evaluate, read_batch
    from grokorc_assets.settings import Settings
    from grokorc_assets.storage import embedded

    settings = Settings.from_env()
    instance = get_instance(settings)
    proc, gateway = start_pushgateway()
    try:
        baseline = evaluate(instance, None, gateway)
        assert baseline.pushed, baseline.message
        checks = (args.events - 1) // 5
        started = time.perf_counter()
        emit_job(args.events - 1 - checks, checks).execute_in_process(instance=instance)
        write_s = time.perf_counter() - started
        print(f"wrote {args.events} events in one run: {write_s:.1f} s", file=sys.stderr if args.json else sys.stdout)

        times, folded = [], 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            outcome = evaluate(instance, baseline.cursor, gateway)
            times.append(time.perf_counter() - t0)
            assert outcome.pushed, outcome.message
            folded = outcome.folded
        t0 = time.perf_counter()
        batch = read_batch(instance, baseline.state.cursor)
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        idle = evaluate(instance, outcome.cursor, gateway)
        idle_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        rebuild = evaluate(instance, None, gateway)
        rebuild_s = time.perf_counter() - t0
        assert rebuild.cursor == outcome.cursor and idle.cursor == outcome.cursor

        median = statistics.median(times)
        if args.json:
            rows = [
                {"figure": f"slo_metrics_sensor tick over {folded:,} new events (median)", "value": median,
                 "unit": "s", "reference": TARGET_SECONDS, "ratio": median / TARGET_SECONDS, "target": "ratio < 1"},
                {"figure": "slo_metrics_sensor tick, no new events", "value": idle_s * 1000, "unit": "ms",
                 "reference": None, "ratio": None, "target": ""},
                {"figure": "slo_metrics_sensor rebuild from an empty cursor", "value": rebuild_s * 1000, "unit": "ms",
                 "reference": None, "ratio": None, "target": ""},
            ]
            print(json.dumps({"rows": rows, "events": args.events, "folded": folded, "repeat": args.repeat,
                              "tick_s": times, "read_s": read_s, "events_read": len(batch.events),
                              "write_s": write_s, "cursor_bytes": len(outcome.cursor)}, indent=2))
            return 0 if median < TARGET_SECONDS else 1
        print(f"tick over {folded} new events: median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
              f"({args.repeat} runs; of which reading + decoding {len(batch.events)} events {read_s * 1000:.0f} ms)")
        print(f"tick with no new events: {idle_s * 1000:.0f} ms; rebuild from an empty cursor: "
              f"{rebuild_s * 1000:.0f} ms; cursor (state) size {len(outcome.cursor)} bytes")
        print(f"target < {TARGET_SECONDS:.1f} s: {'met' if median < TARGET_SECONDS else 'MISSED'}")
        return 0 if median < TARGET_SECONDS else 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        instance.dispose()
        embedded.stop(settings.pgdata)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
