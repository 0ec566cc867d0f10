"""The four SLO checks (docs/design.md "SLO checks"): cost and coverage block delivery (ERROR), latency and
confidence warn.

Every check is declared ``blocking=True`` so that everything downstream waits for its verdict (the
`delivery` report needs all four); a WARN failure still lets the run continue, an ERROR one stops it.
Each is attached to the asset it judges, where it can stop spending earliest:
- `confidence_slo` on `plan`: the first verdict, before any generation.
- `cost_slo` on `conflicts`: the last asset that may call an LLM (mediation), before coverage runs.
- `coverage_slo` and `latency_slo` on `coverage`: the last stage before delivery.
"""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

import json
import time

from dagster import AssetCheckExecutionContext, AssetCheckResult

from grokorc_assets.assets.metadata import markdown_table
from grokorc_assets.checks.declare import check_result, grokorc_check
from grokorc_assets.contract import CHECK_METADATA, CheckName
from grokorc_assets.models import Usage
from grokorc_assets.resources import GrokorcState
from grokorc_assets.slo import SloVerdict, confidence_verdict, cost_verdict, coverage_verdict, latency_verdict
from grokorc_assets.telemetry.steps import traced_step


def verdict_result(name: CheckName, verdict: SloVerdict, **extra) -> AssetCheckResult:
    return check_result(name, not verdict.breach, CHECK_METADATA[name](
        value=verdict.value, threshold=verdict.threshold, breach=verdict.breach,
        computed_from=json.loads(json.dumps(verdict.computed_from, default=str)), **extra,
    ))


@grokorc_check(CheckName.CONFIDENCE_SLO, "Stack inference confidence >= the threshold (WARN).")
@traced_step
def confidence_slo(context: AssetCheckExecutionContext, grokorc: GrokorcState, plan: dict) -> AssetCheckResult:
    verdict = confidence_verdict(plan["confidence"], grokorc.settings.slo.confidence, plan.get("neighbours", []))
    return verdict_result(CheckName.CONFIDENCE_SLO, verdict, archetype=plan["archetype"])


@grokorc_check(CheckName.COST_SLO,
               "LLM spend of every exchange of the build (plan, generation, UI, mediation) < budget (ERROR).")
@traced_step
def cost_slo(
    context: AssetCheckExecutionContext, grokorc: GrokorcState, conflicts: dict,
    plan: dict, frontend: dict, backend: dict, devops: dict, ui: dict,
) -> AssetCheckResult:
    values = {"plan": plan, "frontend": frontend, "backend": backend, "devops": devops, "ui": ui,
              "conflicts": conflicts}
    usages = {name: Usage.model_validate(value.get("usage") or {}) for name, value in values.items()}
    verdict = cost_verdict(usages, grokorc.settings.slo.cost_usd)
    rows = [[a, u["model"], u["input_tokens"], u["output_tokens"], f"{u['cost_usd']:.6f}"]
            for a, u in verdict.computed_from["per_asset"].items()]
    return verdict_result(CheckName.COST_SLO, verdict, tokens=verdict.computed_from["tokens"],
                          per_asset=markdown_table(["asset", "model", "input", "output", "USD"], rows))


@grokorc_check(CheckName.COVERAGE_SLO,
               "Line coverage of the generated project's own tests >= the threshold, all tests passing (ERROR).")
@traced_step
def coverage_slo(context: AssetCheckExecutionContext, grokorc: GrokorcState, coverage: dict) -> AssetCheckResult:
    keys = ("branch", "tests_passed", "tests_failed", "tests_errored", "timed_out", "junit", "html")
    report = {k: coverage.get(k) for k in keys}
    verdict = coverage_verdict(float(coverage.get("value") or 0.0), grokorc.settings.slo.coverage_percent, report)
    return verdict_result(CheckName.COVERAGE_SLO, verdict)


@grokorc_check(CheckName.LATENCY_SLO, "Seconds from run start to this check < the threshold (WARN).")
@traced_step
def latency_slo(context: AssetCheckExecutionContext, grokorc: GrokorcState) -> AssetCheckResult:
    run_id = context.op_execution_context.run_id
    record = context.instance.get_run_record_by_id(run_id)
    started = record.start_time or record.create_timestamp.timestamp()
    verdict = latency_verdict(time.time() - started, grokorc.settings.slo.latency_seconds, run_id=run_id)
    return verdict_result(CheckName.LATENCY_SLO, verdict)


slo_checks = [confidence_slo, cost_slo, coverage_slo, latency_slo]
