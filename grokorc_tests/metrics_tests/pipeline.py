"""A small real Dagster pipeline for the metrics tests, generated from grokorc's contract (asset and check
names, dependencies, severities, partition set, job name and metadata models), with values chosen per
partition by a :class:`Scenario` (so every expected metric follows from the scenarios the test ran). Runs
execute in process on the session's Postgres-backed instance."""
# No `from __future__ import annotations`: Dagster inspects the annotations of assets and checks.

import uuid
from dataclasses import dataclass, field

from dagster import (
    AssetCheckEvaluation,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    AssetMaterialization,
    AssetsDefinition,
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

from grokorc_assets import contract
from grokorc_assets.assets.metadata import dagster_metadata
from grokorc_assets.contract import AssetName
from grokorc_assets.sensors.slo_metrics_sensor import slo_metrics_sensor

A, C = contract.AssetName, contract.CheckName

projects = DynamicPartitionsDefinition(name=contract.PARTITIONS_NAME)


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


def scenario_metadata(name: AssetName, s: Scenario) -> contract.Metadata:
    """The metadata the real asset ``name`` reports, as its contract model, with the scenario's numbers."""
    usage = _usage(s) if name in s.llm_assets else {}
    models = {
        A.PROJECT_REQUEST: lambda: contract.ProjectRequestMetadata(
            revision=1, submitted_at="2026-01-01T00:00:00+00:00", characters=0, message="", workspace="."),
        A.PLAN: lambda: contract.PlanMetadata(confidence=s.confidence, archetype="dashboard", **usage),
        A.FRONTEND: lambda: contract.GenerationMetadata(**usage),
        A.BACKEND: lambda: contract.GenerationMetadata(**usage),
        A.DEVOPS: lambda: contract.GenerationMetadata(**usage),
        A.UI: lambda: contract.UiMetadata(components_generated=s.components, applicable=True, **usage),
        A.VISUAL_TEST: lambda: contract.VisualTestMetadata(
            shots=s.passed + s.failed + s.new, passed=s.passed, failed=s.failed, new=s.new,
            max_diff_ratio=max(s.diff_ratios, default=0.0), diff_ratios=list(s.diff_ratios)),
        A.CONFLICTS: lambda: contract.ConflictsMetadata(
            conflicts_detected=s.conflicts_detected, conflicts_resolved=s.conflicts_resolved,
            similarities=list(s.similarities), **usage),
        A.COVERAGE: lambda: contract.CoverageMetadata(coverage_percent=s.coverage),
        A.DELIVERY: lambda: contract.DeliveryMetadata(
            status="success", compliant=True, slos="", archive=".", archive_bytes=0, report="."),
    }
    return models[name]()


def _asset(name: AssetName) -> AssetsDefinition:
    @asset(name=str(name), partitions_def=projects, deps=sorted(str(d) for d in contract.ASSET_DEPS[name]))
    def _materialise(context) -> MaterializeResult:
        s = _scenario(context)
        if s.fail_asset == name:
            raise RuntimeError(f"scenario: {name} fails")
        return MaterializeResult(metadata=dagster_metadata(scenario_metadata(name, s)))

    return _materialise


# Which Scenario flag decides each check.
CHECK_OUTCOME = {
    C.CONFIDENCE_SLO: "confidence_passes", C.COST_SLO: "cost_passes", C.COVERAGE_SLO: "coverage_passes",
    C.LATENCY_SLO: "latency_passes", C.ACCEPTANCE: "acceptance_passes", C.VISUAL_REGRESSION: "visual_passes",
    C.ACCESSIBILITY: "a11y_passes",
}


def _check(spec: contract.CheckContract) -> AssetChecksDefinition:
    @asset_check(asset=str(spec.asset), name=str(spec.name), blocking=spec.blocking, partitions_def=projects)
    def _evaluate(context) -> AssetCheckResult:
        passed = getattr(_scenario(context), CHECK_OUTCOME[spec.name])
        return AssetCheckResult(passed=passed, severity=AssetCheckSeverity(spec.severity),
                                metadata={"value": 1.0, "threshold": 1.0, "breach": not passed})

    return _evaluate


ASSETS = [_asset(name) for name in contract.GRAPH_ORDER]
CHECKS = [_check(spec) for spec in contract.CHECKS.values()]


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


build_project = define_asset_job(contract.JOB_NAME, selection=AssetSelection.all())

defs = Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[build_project, bulk_events],
    sensors=[slo_metrics_sensor],
)


def run_build(instance: DagsterInstance, scenario: Scenario) -> str:
    """Run build_project for a fresh partition; returns the run id (the run may fail, by design)."""
    project_id = f"m-{uuid.uuid4().hex[:12]}"
    SCENARIOS[project_id] = scenario
    instance.add_dynamic_partitions(projects.name, [project_id])
    result = defs.resolve_job_def(contract.JOB_NAME).execute_in_process(
        instance=instance, partition_key=project_id, raise_on_error=False
    )
    return result.run_id


def run_bulk(instance: DagsterInstance, count: int, checks: int) -> str:
    result = defs.resolve_job_def("bulk_events").execute_in_process(
        instance=instance, run_config={"ops": {"emit_events": {"config": {"count": count, "checks": checks}}}}
    )
    return result.run_id
