"""`visual_test`: every generated page x viewport in Chromium, diffed against baselines, plus axe and
overflow. Its checks, `visual_regression` and `accessibility`, are in ``checks/visual_checks.py``."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from functools import partial
from pathlib import Path

from dagster import AssetExecutionContext, RetryPolicy, asset

from grokorc_assets.assets.metadata import dagster_metadata, markdown_table
from grokorc_assets.contract import VisualTestMetadata, VisualTestValue
from grokorc_assets.generation import merge_agents
from grokorc_assets.models import Usage
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.serve import ServeError
from grokorc_assets.serve.seed import seed_sample_data
from grokorc_assets.slo import projected_spend
from grokorc_assets.storage.baselines import PostgresBaselineStore
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.visual.browser_models import PageSpec, load_settings
from grokorc_assets.visual.capture import capture_in_parallel
from grokorc_assets.visual.png import thumbnail_png_base64
from grokorc_assets.visual.probes import BrowserCriterion, ProbeOutcome, all_failed, browser_criteria, run_probes
from grokorc_assets.visual.regression import Tolerance, VisualReport, judge_shots
from grokorc_assets.visual.served_browser import served_with_browser

# Degraded mode (docs/design.md "Degraded mode": skip the visual tests when the projected cost nears the budget).
DEGRADE_SHARE = 0.8


@asset(
    partitions_def=projects_partitions,
    group_name="verification",
    kinds={"chromium"},
    description="The served app (sandboxed, seeded through its API) in Chromium: screenshots per page and "
                "viewport diffed against baselines, broken pages, axe audit, overflow, browser acceptance probes.",
    retry_policy=RetryPolicy(max_retries=1, delay=2.0),
)
@traced_step
def visual_test(
    context: AssetExecutionContext, grokorc: GrokorcState, plan: dict, ui: dict, backend: dict
) -> dict:
    criteria = browser_criteria(plan.get("acceptance") or [])
    if not ui.get("applicable"):
        report = VisualReport(applicable=False, reason=ui.get("reason") or "no user interface")
        outcomes = all_failed(criteria, f"no user interface to probe: {report.reason}")
    elif (why := _degrade_reason(grokorc, plan, ui)) is not None:
        report = VisualReport(degraded=True, reason=why)
        outcomes = all_failed(criteria, f"visual tests degraded: {why}")
    else:
        report, outcomes = _run(context, grokorc, ui, backend, criteria)
    context.add_output_metadata(dagster_metadata(_metadata(report, outcomes)))
    revision = grokorc.request_for_run(context.partition_key, context.run.tags).revision
    return VisualTestValue(**_value(report), revision=revision,
                           acceptance=[o.model_dump(include={"id", "passed", "detail"}) for o in outcomes]).model_dump()


def _value(report: VisualReport) -> dict:
    value = report.model_dump(mode="json")
    # `grokorc approve` promotes every entry of "shots": broken ones are kept apart so no command can
    # ever make an error screen the approved baseline.
    value["broken_shots"] = [s for s in value["shots"] if s["status"] == "broken"]
    value["shots"] = [s for s in value["shots"] if s["status"] != "broken"]
    return value


def _degrade_reason(grokorc: GrokorcState, plan: dict, ui: dict) -> str | None:
    budget = grokorc.settings.slo.cost_usd
    spent = {"plan": Usage.model_validate(plan["usage"]), "ui": Usage.model_validate(ui.get("usage") or {})}
    # Mediation costs at most about what planning did; a conservative projection.
    projected = projected_spend(spent, mediation_estimate_usd=spent["plan"].cost_usd)
    if projected > DEGRADE_SHARE * budget:
        return f"projected cost ${projected:.4f} exceeds {DEGRADE_SHARE:.0%} of the ${budget:.2f} budget"
    return None


def site_pages(base_url: str, ui_pages: list[dict]) -> list[PageSpec]:
    """The main page at / plus every UI page at its served path (frontend/ is the site root)."""
    pages = [PageSpec(name=p["slug"], url=f"{base_url}/{p['path'].removeprefix('frontend/')}") for p in ui_pages]
    main = "index" if all(p.name != "index" for p in pages) else "index-main"
    return [PageSpec(name=main, url=f"{base_url}/"), *pages]


def _run(context: AssetExecutionContext, grokorc: GrokorcState, ui: dict, backend: dict,
         criteria: list[BrowserCriterion]) -> tuple[VisualReport, list[ProbeOutcome]]:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    # Its own merged copy: the conflicts stage rebuilds project/ concurrently.
    site = merge_agents(workspace, workspace / "visual" / "site")
    store = PostgresBaselineStore(grokorc.engine, grokorc.settings.home / "baselines")
    try:
        with served_with_browser(site, load_settings()) as (served, session):
            context.log.info(f"serving {site} at {served.url} (sandbox {served.mode})")
            seed = seed_sample_data(served.url, backend.get("resources") or [])
            context.log.info(f"seeded {seed.created} record(s); {seed.notes or ''}")
            pages = site_pages(served.url, ui["pages"])
            # Network idle waiting is on: the pages fetch their data from the served API.
            records = capture_in_parallel(pages, workspace / "visual" / "shots", session=session,
                                          expected=partial(baseline_png, store, request.project_id))
            outcomes = run_probes(session, f"{served.url}/", criteria)
    except ServeError as error:
        return _unservable(ui, str(error)), all_failed(criteria, f"the app could not be served: {error}")
    report = judge_shots(records, store, request.project_id, request.revision, workspace / "visual" / "diffs",
                         Tolerance(), data_seeded=seed.created > 0)
    return report, outcomes


def baseline_png(store: PostgresBaselineStore, project_id: str, page: str, viewport: str) -> bytes | None:
    """The approved baseline's PNG bytes, when there is one and its file is readable."""
    baseline = store.current(project_id, page, viewport)
    try:
        return Path(baseline.image_path).read_bytes() if baseline else None
    except OSError:
        return None


def _unservable(ui: dict, error: str) -> VisualReport:
    """Every page counts as broken: the UI cannot work without its server (and nothing is baselined)."""
    names = [p.name for p in site_pages("", ui["pages"])]
    reason = f"the app could not be served: {error[-500:]}"
    return VisualReport(reason=reason, broken=dict.fromkeys(names, reason), broken_pages=len(names),
                        failed=len(names))


def _metadata(report: VisualReport, outcomes: list[ProbeOutcome]) -> VisualTestMetadata:
    rows = [[s.page, s.viewport, s.status, f"{s.diff_ratio:.5f}", "yes" if s.overflow else "no"] for s in report.shots]
    probes = [[o.id, o.feature, "pass" if o.passed else "FAIL", o.detail] for o in outcomes]
    return VisualTestMetadata(
        **report.model_dump(include={"applicable", "degraded", "passed", "failed", "new", "broken_pages",
                                     "max_diff_ratio"}),
        reason=report.reason or "",
        shots=report.total,
        diff_ratios=[s.diff_ratio for s in report.shots if s.status not in ("new", "broken")],
        a11y=report.a11y,
        results=markdown_table(["page", "viewport", "status", "diff ratio", "overflow"], rows) if rows else "no shots",
        broken=markdown_table(["page", "why"], [[p, r] for p, r in report.broken.items()])
        if report.broken else "none",
        acceptance_passed=sum(o.passed for o in outcomes),
        acceptance_failed=sum(not o.passed for o in outcomes),
        acceptance=markdown_table(["criterion", "feature", "result", "detail"], probes)
        if probes else "no browser criteria",
        first_shot=report.shots[0].path if report.shots else None,
        thumbnail=_thumbnail_markdown(report.shots) if report.shots else None,
    )


def _thumbnail_markdown(shots) -> str:
    """The main page at desktop width, shrunk to 320 px, inline so the Dagster UI shows it."""
    main = next((s for s in shots if s.viewport == "desktop"), shots[0])
    return f"![{main.page}](data:image/png;base64,{thumbnail_png_base64(main.path, 320)})"
