"""Archetype inference on requests the model never saw: accuracy, calibration, confident mistakes.

    .venv/bin/python bench/bench_archetype.py [--json] [--sets-only]

- the held-out fifth of the labelled corpus (grokorc_assets/planning/corpus.py), per source, through the
  whole offline planner (infer_plan: model, neighbours, confidence rules). The corpus texts are not part of
  the repository: they live in an optional external data directory, GROKORC_CORPUS_DIR (default: a
  shared/eval/corpus directory beside the checkout), rebuilt by scripts/build_corpus.py; without them this
  bench exits with status 2;
- a reliability table over the held-out read requests (confidence bucket -> accuracy) and the
  confidently-wrong rate (wrong archetype at confidence >= 0.8);
- the labelled sets in grokorc_tests/fixtures (development, our hold-out, two non-English sets): archetype
  accuracy, specific requests at >= 0.8, vague requests at >= 0.8, named technologies missed;
- warm plan latency (median of infer_plan over the development prompts).
Targets (issue 15): real-world agreement >= 0.8, dev-like >= 0.95, confidently wrong <= 5 %,
specific >= 0.8 in >= 90 %, plan < 50 ms warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grokorc_assets.planning.corpus import load_corpus  # noqa: E402
from grokorc_assets.planning.inference import infer_plan  # noqa: E402
from grokorc_assets.planning.technologies import layer_of  # noqa: E402
from scripts.train_archetype_model import EXCLUDED_SOURCES  # noqa: E402

FIXTURES = REPO / "grokorc_tests" / "fixtures"
SETS = ("stack_dev.jsonl", "stack_holdout.jsonl", "stack_multilingual.jsonl", "stack_multilingual_2.jsonl",
        "stack_written_en.jsonl", "stack_written_multilingual.jsonl", "stack_written_mixed.jsonl",
        "stack_written_mixed_2.jsonl")
BUCKETS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
CONFIDENT = 0.8


def reliability(outcomes: list[tuple[float, bool]]) -> list[dict]:
    table = []
    for lo, hi in zip(BUCKETS, BUCKETS[1:], strict=False):
        inside = [ok for conf, ok in outcomes if lo <= conf < hi]
        table.append({"bucket": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "requests": len(inside),
                      "accuracy": round(sum(inside) / len(inside), 3) if inside else None})
    return table


def held_out() -> dict:
    per_source: dict[str, list[tuple[float, bool]]] = {}
    for item in load_corpus():
        if item.held_out and item.source not in EXCLUDED_SOURCES:
            plan = infer_plan(item.text)
            per_source.setdefault(item.source, []).append((plan.confidence, plan.archetype in item.archetypes))
    read = [o for src, outs in per_source.items() for o in outs if src.startswith("webgen")]
    everything = [o for outs in per_source.values() for o in outs]
    return {
        "per_source": {s: {"requests": len(o), "accuracy": round(sum(ok for _, ok in o) / len(o), 3),
                           "confidently_wrong": round(sum(c >= CONFIDENT and not ok for c, ok in o) / len(o), 3)}
                       for s, o in sorted(per_source.items())},
        "web_requests": {"requests": len(read), "accuracy": round(sum(ok for _, ok in read) / len(read), 3),
                         "confidently_wrong": round(sum(c >= CONFIDENT and not ok for c, ok in read) / len(read), 3),
                         "at_or_above_0_8": round(sum(c >= CONFIDENT for c, _ in read) / len(read), 3),
                         "reliability": reliability(read)},
        "all_held_out": {"requests": len(everything),
                         "confidently_wrong": round(sum(c >= CONFIDENT and not ok for c, ok in everything)
                                                    / len(everything), 3),
                         "reliability": reliability(everything)},
    }


def labelled_set(name: str) -> dict | None:
    path = FIXTURES / name
    if not path.exists():
        return None
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    hits = total = specific = specific_ok = vague_over = confidently_wrong = 0
    missed: list[str] = []
    for row in rows:
        plan = infer_plan(row["prompt"])
        if row["archetypes"]:
            total += 1
            hits += plan.archetype in row["archetypes"]
            confidently_wrong += plan.archetype not in row["archetypes"] and plan.confidence >= CONFIDENT
        if row["vague"]:
            vague_over += plan.confidence >= CONFIDENT
        else:
            specific += 1
            specific_ok += plan.confidence >= CONFIDENT
        missed += [f"{row['id']}:{t}" for t in row["explicit"]
                   if t not in plan.explicit or t not in getattr(plan.stack, layer_of(t))]
    return {"requests": len(rows), "archetype_accuracy": round(hits / total, 3),
            "confidently_wrong": round(confidently_wrong / total, 3),
            "specific_at_or_above_0_8": round(specific_ok / specific, 3) if specific else None,
            "vague_at_or_above_0_8": vague_over, "technologies_missed": missed}


def latency() -> dict:
    prompts = [json.loads(line)["prompt"] for line in (FIXTURES / SETS[0]).read_text("utf-8").splitlines()]
    for p in prompts:  # warm: model, lexicons, catalogue, neighbour search
        infer_plan(p)
    timings = []
    for p in prompts * 3:
        start = time.perf_counter()
        infer_plan(p)
        timings.append((time.perf_counter() - start) * 1000)
    p95 = sorted(timings)[int(0.95 * len(timings))]
    return {"median_ms": round(statistics.median(timings), 1), "p95_ms": round(p95, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sets-only", action="store_true",
                        help="only the labelled sets in grokorc_tests/fixtures and the latency (no corpus needed)")
    args = parser.parse_args()
    try:
        corpus = None if args.sets_only else held_out()
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = {"held_out": corpus, "sets": {n: labelled_set(n) for n in SETS}, "plan_latency": latency()}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if corpus is not None:
        print_held_out(corpus)
    for name, row in result["sets"].items():
        if row:
            print(f"{name:<26} {row['requests']:>3} requests  archetype {row['archetype_accuracy']}  specific>=0.8 "
                  f"{row['specific_at_or_above_0_8']}  vague>=0.8 {row['vague_at_or_above_0_8']}  "
                  f"wrong>=0.8 {row['confidently_wrong']}  "
                  f"technologies missed {row['technologies_missed']}")
    lat = result["plan_latency"]
    print(f"plan latency warm: median {lat['median_ms']} ms, p95 {lat['p95_ms']} ms")
    return 0


def print_held_out(corpus: dict) -> None:
    web = corpus["web_requests"]
    print(f"held-out web-app requests ({web['requests']}): accuracy {web['accuracy']}, "
          f"confidence >= 0.8 for {web['at_or_above_0_8']}, confidently wrong {web['confidently_wrong']}")
    print("reliability (held-out web-app requests):")
    for row in web["reliability"]:
        print(f"  {row['bucket']:<12} {row['requests']:>4} requests  accuracy {row['accuracy']}")
    print(f"all held-out items ({corpus['all_held_out']['requests']}): confidently wrong "
          f"{corpus['all_held_out']['confidently_wrong']}")
    for source, row in corpus["per_source"].items():
        print(f"  {source:<32} {row['requests']:>4}  accuracy {row['accuracy']}  "
              f"confidently wrong {row['confidently_wrong']}")


if __name__ == "__main__":
    raise SystemExit(main())
