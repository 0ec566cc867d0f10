"""A small real Dagster pipeline for the metrics tests: grokorc's asset, check and job names, partition set
and metadata keys, with values chosen per partition by a :class:`Scenario` (so every expected metric follows
from the scenarios the test ran). Runs execute in process on the session's Postgres-backed instance."""
# No `from __future__ import annotations`: Dagster inspects the annotations of assets and checks.

import uuid
from dataclasses import dataclass, field

from dagster import (
    AssetCheckEvaluation,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetMaterialization,
    AssetSelection,
    DagsterInstance,
    Definitions,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    OpExecutionContext,
    asset,
    asset_check,
    define_asset_job,
    job,
    op,
)

from grokorc_assets.sensors.slo_metrics_sensor import slo_metrics_sensor

projects = DynamicPartitionsDefinition(name="projects")


@dataclass
class Scenario:
    """What one build_project run materialises; ``*_passes`` decide the checks, ``fail_asset`` raises."""

    confidence: float = 0.9
    model: str = "gpt-4o-mini"
    input_tokens: int = 100
    output_tokens: int = 40
    cost_usd: float = 0.0125
    components: int = 5
    passed: int = 3
    failed: int = 1
    new: int = 1
    diff_ratios: tuple[float, ...] = (0.0, 0.002, 0.03, 0.2)
    conflicts_detected: int = 2
    conflicts_resolved: int = 1
    similarities: tuple[float, ...] = (0.82, 0.93)
    coverage: float = 97.0
    confidence_passes: bool = True
    cost_passes: bool = True
    coverage_passes: bool = True
    acceptance_passes: bool = True
    latency_passes: bool = True
    visual_passes: bool = True
    a11y_passes: bool = True
    fail_asset: str | None = None
    llm_assets: tuple[str, ...] = field(default=("plan", "frontend", "backend", "devops", "ui", "conflicts"))


SCENARIOS: dict[str, Scenario] = {}


def _scenario(context) -> Scenario:
    return SCENARIOS[context.partition_key]


def _usage(s: Scenario) -> dict:
    return {"tokens": s.input_tokens + s.output_tokens, "input_tokens": s.input_tokens,
            "output_tokens": s.output_tokens, "cost_usd": s.cost_usd, "model": s.model, "tokens_estimated": False}


def _result(context, name: str, extra: dict) -> MaterializeResult:
    s = _scenario(context)
    if s.fail_asset == name:
        raise RuntimeError(f"scenario: {name} fails")
    return MaterializeResult(metadata={**(_usage(s) if name in s.llm_assets else {}), **extra})


@asset(partitions_def=projects)
def plan(context) -> MaterializeResult:
    return _result(context, "plan", {"confidence": _scenario(context).confidence, "archetype": "dashboard"})


@asset(partitions_def=projects, deps=[plan])
def frontend(context) -> MaterializeResult:
    return _result(context, "frontend", {})


@asset(partitions_def=projects, deps=[plan])
def backend(context) -> MaterializeResult:
    return _result(context, "backend", {})


@asset(partitions_def=projects, deps=[plan])
def devops(context) -> MaterializeResult:
    return _result(context, "devops", {})


@asset(partitions_def=projects, deps=[frontend, backend, devops])
def ui(context) -> MaterializeResult:
    return _result(context, "ui", {"components_generated": _scenario(context).components, "applicable": True})


@asset(partitions_def=projects, deps=[ui])
def visual_test(context) -> MaterializeResult:
    s = _scenario(context)
    return _result(context, "visual_test", {
        "shots": s.passed + s.failed + s.new, "passed": s.passed, "failed": s.failed, "new": s.new,
        "max_diff_ratio": max(s.diff_ratios, default=0.0), "diff_ratios": MetadataValue.json(list(s.diff_ratios)),
        "applicable": True, "degraded": False,
    })


@asset(partitions_def=projects, deps=[frontend, backend, devops, ui, visual_test])
def conflicts(context) -> MaterializeResult:
    s = _scenario(context)
    return _result(context, "conflicts", {
        "conflicts_detected": s.conflicts_detected, "conflicts_resolved": s.conflicts_resolved,
        "similarities": MetadataValue.json(list(s.similarities)),
    })


@asset(partitions_def=projects, deps=[conflicts])
def coverage(context) -> MaterializeResult:
    return _result(context, "coverage", {"coverage_percent": _scenario(context).coverage})


@asset(partitions_def=projects, deps=[coverage])
def delivery(context) -> MaterializeResult:
    return _result(context, "delivery", {"status": "success"})


def _check(passed: bool, severity: AssetCheckSeverity) -> AssetCheckResult:
    return AssetCheckResult(passed=passed, severity=severity,
                            metadata={"value": 1.0, "threshold": 1.0, "breach": not passed})


@asset_check(asset=plan, name="confidence_slo", blocking=True, partitions_def=projects)
def confidence_slo(context) -> AssetCheckResult:
    return _check(_scenario(context).confidence_passes, AssetCheckSeverity.WARN)


@asset_check(asset=conflicts, name="cost_slo", blocking=True, partitions_def=projects)
def cost_slo(context) -> AssetCheckResult:
    return _check(_scenario(context).cost_passes, AssetCheckSeverity.ERROR)


@asset_check(asset=coverage, name="coverage_slo", blocking=True, partitions_def=projects)
def coverage_slo(context) -> AssetCheckResult:
    return _check(_scenario(context).coverage_passes, AssetCheckSeverity.ERROR)


@asset_check(asset=coverage, name="acceptance", blocking=True, partitions_def=projects)
def acceptance(context) -> AssetCheckResult:
    return _check(_scenario(context).acceptance_passes, AssetCheckSeverity.ERROR)


@asset_check(asset=coverage, name="latency_slo", blocking=True, partitions_def=projects)
def latency_slo(context) -> AssetCheckResult:
    return _check(_scenario(context).latency_passes, AssetCheckSeverity.WARN)


@asset_check(asset=visual_test, name="visual_regression", blocking=True, partitions_def=projects)
def visual_regression(context) -> AssetCheckResult:
    return _check(_scenario(context).visual_passes, AssetCheckSeverity.WARN)


@asset_check(asset=visual_test, name="accessibility", blocking=True, partitions_def=projects)
def accessibility(context) -> AssetCheckResult:
    return _check(_scenario(context).a11y_passes, AssetCheckSeverity.ERROR)


# ------------------------------------------------------------------------------- bulk events (one run)
BULK_KINDS = ("plan", "conflicts", "visual_test", "coverage", "ui")


@op(config_schema={"count": int, "checks": int})
def emit_events(context: OpExecutionContext) -> None:
    """``count`` materialisations (cycling through BULK_KINDS) and ``checks`` check evaluations."""
    for i in range(context.op_config["count"]):
        kind = BULK_KINDS[i % len(BULK_KINDS)]
        context.log_event(AssetMaterialization(asset_key=kind, metadata=bulk_metadata(kind)))
    for i in range(context.op_config["checks"]):
        context.log_event(AssetCheckEvaluation(asset_key=AssetKey("plan"), check_name="confidence_slo",
                                               passed=i % 4 != 0, severity=AssetCheckSeverity.WARN))


def bulk_metadata(kind: str) -> dict:
    usage = {"input_tokens": 10, "output_tokens": 4, "cost_usd": 0.001, "model": "bulk-model", "tokens": 14}
    return {
        "plan": {**usage, "confidence": 0.75},
        "conflicts": {**usage, "conflicts_detected": 1, "conflicts_resolved": 1,
                      "similarities": MetadataValue.json([0.88])},
        "visual_test": {"shots": 2, "passed": 2, "failed": 0, "new": 0,
                        "diff_ratios": MetadataValue.json([0.0, 0.0004])},
        "coverage": {"coverage_percent": 98.0},
        "ui": {**usage, "components_generated": 3},
    }[kind]


@job
def bulk_events():
    emit_events()


build_project = define_asset_job("build_project", selection=AssetSelection.all())

defs = Definitions(
    assets=[plan, frontend, backend, devops, ui, visual_test, conflicts, coverage, delivery],
    asset_checks=[confidence_slo, cost_slo, coverage_slo, acceptance, latency_slo, visual_regression, accessibility],
    jobs=[build_project, bulk_events],
    sensors=[slo_metrics_sensor],
)


def run_build(instance: DagsterInstance, scenario: Scenario) -> str:
    """Run build_project for a fresh partition; returns the run id (the run may fail, by design)."""
    project_id = f"m-{uuid.uuid4().hex[:12]}"
    SCENARIOS[project_id] = scenario
    instance.add_dynamic_partitions(projects.name, [project_id])
    result = defs.resolve_job_def("build_project").execute_in_process(
        instance=instance, partition_key=project_id, raise_on_error=False
    )
    return result.run_id


def run_bulk(instance: DagsterInstance, count: int, checks: int) -> str:
    result = defs.resolve_job_def("bulk_events").execute_in_process(
        instance=instance, run_config={"ops": {"emit_events": {"config": {"count": count, "checks": checks}}}}
    )
    return result.run_id
