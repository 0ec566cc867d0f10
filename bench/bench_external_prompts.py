"""Robustness run: every prompt in <eval dir>/external/*.jsonl through plan + offline generation, then the
generated project's own tests (sandboxed, under coverage). Reports how many projects pass their tests.

Usage: .venv/bin/python bench/bench_external_prompts.py [--limit N] [--json]
--json prints {"rows": [...], "summary": ..., "results": [...]}; --limit takes the first N prompts.

The prompts are not part of the repository: the eval dir is an optional external data directory, set with
GROKORC_EVAL_DIR (default: a shared/eval directory beside the checkout). Without it there are no prompts.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui, merge_agents
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.testrun import run_python_tests

EVAL_DIR = Path(os.environ.get("GROKORC_EVAL_DIR") or Path(__file__).resolve().parents[2] / "shared" / "eval")


def prompts() -> list[dict]:
    rows = []
    for path in sorted((EVAL_DIR / "external").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def run_one(prompt: str, workspace: Path) -> dict:
    plan = infer_plan(prompt)
    backend = generate_backend(plan, workspace)
    generate_frontend(plan, workspace)
    generate_devops(plan, workspace)
    ui = infer_ui(plan, workspace, backend)
    project = merge_agents(workspace)
    report = run_python_tests(project / (backend.test_cwd or "backend"), source_dirs=["app"], test_dir="tests")
    return {"archetype": plan.archetype, "confidence": plan.confidence, "pages": len(ui.pages),
            "tests_passed": report.tests_passed, "tests_failed": report.tests_failed + report.tests_errored,
            "coverage": report.value, "ok": report.tests_failed + report.tests_errored == 0 and report.tests_passed > 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="only the first N prompts (smoke test)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, row in enumerate(prompts()[:args.limit]):
            outcome = run_one(row["prompt"], Path(tmp) / str(i))
            results.append({"id": row["id"], **outcome})
            if not args.json:
                print(f"{row['id']:<45} {outcome['archetype']:<10} conf {outcome['confidence']:.2f} "
                      f"tests {outcome['tests_passed']:>3} passed {outcome['tests_failed']} failed "
                      f"coverage {outcome['coverage']:.1f}%  {'ok' if outcome['ok'] else 'FAILED'}")
    passing = sum(r["ok"] for r in results)
    summary = {"prompts": len(results), "projects_whose_tests_pass": passing,
               "min_coverage": min(r["coverage"] for r in results)}
    rows = [{"figure": "external prompts: generated projects whose tests pass", "value": passing, "unit": "",
             "reference": len(results), "ratio": passing / len(results), "target": "ratio >= 1"},
            {"figure": "external prompts: lowest line coverage", "value": summary["min_coverage"], "unit": "%",
             "reference": None, "ratio": None, "target": ""}]
    print(json.dumps({"rows": rows, "summary": summary, "results": results}, indent=2) if args.json else summary)


if __name__ == "__main__":
    main()
