"""Entity and feature extraction quality on the labelled requests, and warm plan latency.

Usage: .venv/bin/python bench/bench_entities.py [--runs 3] [--json]
Scores: grokorc_tests/planning_tests/data/{entity_requests,stack_dev_entities}.jsonl against
infer_plan (see grokorc_tests/planning_tests/entity_eval.py for the matching rule).
Target: median warm infer_plan < 50 ms over the requests of both files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grokorc_assets.planning.inference import infer_plan  # noqa: E402
from grokorc_tests.planning_tests.entity_eval import FILES, load, score  # noqa: E402

LATENCY_TARGET_MS = 50.0


def latency(messages: list[str], runs: int) -> dict:
    for message in messages:  # warm-up: catalogue, embeddings, lexicons
        infer_plan(message)
    timings = []
    for _ in range(runs):
        for message in messages:
            start = time.perf_counter()
            infer_plan(message)
            timings.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 2), "plans": len(timings)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict = {}
    messages: list[str] = []
    for name in FILES:
        rows = load(name)
        messages += [r["prompt"] for r in rows]
        entities, features = score(rows)
        report[name] = {
            "entity_recall": round(entities.recall, 3), "entity_precision": round(entities.precision, 3),
            "feature_recall": round(features.recall, 3), "feature_precision": round(features.precision, 3),
            "entity_misses": entities.misses, "entity_extras": entities.extras,
            "feature_misses": features.misses, "feature_extras": features.extras,
        }
    report["latency"] = latency(messages, args.runs)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for name in FILES:
            r = report[name]
            print(f"{name}: entities R={r['entity_recall']:.3f} P={r['entity_precision']:.3f}; "
                  f"features R={r['feature_recall']:.3f} P={r['feature_precision']:.3f}")
        lat = report["latency"]
        print(f"infer_plan warm: median {lat['median_ms']} ms, p95 {lat['p95_ms']} ms over {lat['plans']} plans")
    return 0 if report["latency"]["median_ms"] < LATENCY_TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
