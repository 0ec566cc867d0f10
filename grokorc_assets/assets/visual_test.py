"""`visual_test`: every generated page x viewport in Chromium, diffed against baselines, plus axe and
overflow. Checks beside it: `visual_regression` (WARN) and `accessibility` (ERROR on critical/serious)."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    MetadataValue,
    RetryPolicy,
    asset,
    asset_check,
)

from grokorc_assets.assets.metadata import markdown_table
from grokorc_assets.generation import merge_agents
from grokorc_assets.models import Usage
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.slo import projected_spend
from grokorc_assets.storage.baselines import PostgresBaselineStore
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.visual.browser import capture
from grokorc_assets.visual.browser_models import PageSpec, load_settings
from grokorc_assets.visual.png import thumbnail_png_base64
from grokorc_assets.visual.regression import Tolerance, VisualReport, judge_shots

# Degraded mode (DESIGN: skip the visual tests when the projected cost nears the budget).
DEGRADE_SHARE = 0.8


@asset(
    partitions_def=projects_partitions,
    group_name="verification",
    kinds={"chromium"},
    description="Screenshots per page and viewport, pixel diff against baselines, axe audit, overflow.",
    retry_policy=RetryPolicy(max_retries=1, delay=2.0),
)
@traced_step
def visual_test(context: AssetExecutionContext, grokorc: GrokorcState, plan: dict, ui: dict) -> dict:
    if not ui.get("applicable"):
        report = VisualReport(applicable=False, reason=ui.get("reason") or "no user interface")
    elif (why := _degrade_reason(grokorc, plan, ui)) is not None:
        report = VisualReport(degraded=True, reason=why)
    else:
        report = _run(context, grokorc, ui)
    context.add_output_metadata(_metadata(report))
    revision = grokorc.request_for_run(context.partition_key, context.run.tags).revision
    return {**report.model_dump(mode="json"), "revision": revision}


def _degrade_reason(grokorc: GrokorcState, plan: dict, ui: dict) -> str | None:
    budget = grokorc.settings.slo.cost_usd
    spent = {"plan": Usage.model_validate(plan["usage"]), "ui": Usage.model_validate(ui.get("usage") or {})}
    # Mediation costs at most about what planning did; a conservative projection.
    projected = projected_spend(spent, mediation_estimate_usd=spent["plan"].cost_usd)
    if projected > DEGRADE_SHARE * budget:
        return f"projected cost ${projected:.4f} exceeds {DEGRADE_SHARE:.0%} of the ${budget:.2f} budget"
    return None


def _run(context: AssetExecutionContext, grokorc: GrokorcState, ui: dict) -> VisualReport:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    # Its own merged copy: the conflicts stage rebuilds project/ concurrently.
    site = merge_agents(workspace, workspace / "visual" / "site")
    pages = [PageSpec(name=p["slug"], url=(site / p["path"]).as_uri()) for p in ui["pages"]]
    # Generated pages opened from file:// make no network requests (their API client needs a base URL),
    # so waiting for network idle (~0.5 s a shot) would buy nothing.
    settings = load_settings().with_overrides(network_idle_timeout_s=0)
    records = capture(pages, None, workspace / "visual" / "shots", settings=settings)
    store = PostgresBaselineStore(grokorc.engine, grokorc.settings.home / "baselines")
    return judge_shots(records, store, request.project_id, request.revision, workspace / "visual" / "diffs",
                       Tolerance())


def _metadata(report: VisualReport) -> dict:
    rows = [[s.page, s.viewport, s.status, f"{s.diff_ratio:.5f}", "yes" if s.overflow else "no"] for s in report.shots]
    return {
        "applicable": report.applicable,
        "degraded": report.degraded,
        "reason": report.reason or "",
        "shots": report.total,
        "passed": report.passed,
        "failed": report.failed,
        "new": report.new,
        "max_diff_ratio": report.max_diff_ratio,
        "diff_ratios": MetadataValue.json([s.diff_ratio for s in report.shots if s.status != "new"]),
        "a11y": MetadataValue.json(report.a11y),
        "results": MetadataValue.md(markdown_table(["page", "viewport", "status", "diff ratio", "overflow"], rows)
                                    if rows else "no shots"),
        **({"first_shot": MetadataValue.path(report.shots[0].path),
            "thumbnail": MetadataValue.md(_thumbnail_markdown(report.shots))} if report.shots else {}),
    }


def _thumbnail_markdown(shots) -> str:
    """The main page at desktop width, shrunk to 320 px, inline so the Dagster UI shows it."""
    main = next((s for s in shots if s.viewport == "desktop"), shots[0])
    return f"![{main.page}](data:image/png;base64,{thumbnail_png_base64(main.path, 320)})"


@asset_check(
    asset="visual_test", name="visual_regression", blocking=True, partitions_def=projects_partitions,
    description="No shot differs from its approved baseline beyond tolerance, none overflows (WARN).",
)
@traced_step
def visual_regression(context: AssetCheckExecutionContext, visual_test: dict) -> AssetCheckResult:
    failed, overflow = visual_test.get("failed", 0), visual_test.get("overflow_failures", 0)
    return AssetCheckResult(
        passed=failed == 0 and overflow == 0, severity=AssetCheckSeverity.WARN,
        metadata={"value": failed + overflow, "threshold": 0, "breach": bool(failed or overflow),
                  "failed_shots": failed, "overflowing_shots": overflow,
                  "max_diff_ratio": visual_test.get("max_diff_ratio", 0.0)},
    )


@asset_check(
    asset="visual_test", name="accessibility", blocking=True, partitions_def=projects_partitions,
    description="axe-core finds no critical or serious violation on any page (ERROR).",
)
@traced_step
def accessibility(context: AssetCheckExecutionContext, visual_test: dict) -> AssetCheckResult:
    counts = visual_test.get("a11y") or {}
    severe = counts.get("critical", 0) + counts.get("serious", 0)
    return AssetCheckResult(
        passed=severe == 0, severity=AssetCheckSeverity.ERROR,
        metadata={"value": severe, "threshold": 0, "breach": severe > 0, **{k: int(v) for k, v in counts.items()}},
    )


visual_checks = [visual_regression, accessibility]
