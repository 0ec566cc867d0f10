"""`conflicts`: where the parallel agents contradict each other; mediated above the similarity
threshold, escalated below it (to the configured LLM when there is one), before coverage runs."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata, usage_metadata
from grokorc_assets.assets.retries import TRANSIENT_FAILURES
from grokorc_assets.conflicts import detect_conflicts, llm_mediator, resolve
from grokorc_assets.contract import ConflictsMetadata
from grokorc_assets.models import Usage
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState, LLMResource
from grokorc_assets.telemetry.steps import traced_step


@asset(
    partitions_def=projects_partitions,
    group_name="verification",
    kinds={"python"},
    description="Contradictions between frontend, backend, devops and ui; auto-mediated or escalated.",
    retry_policy=TRANSIENT_FAILURES,
)
@traced_step
def conflicts(
    context: AssetExecutionContext, grokorc: GrokorcState, llm: LLMResource,
    frontend: dict, backend: dict, devops: dict, ui: dict,
) -> dict:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    meter = None
    mediator = None
    if not llm.is_offline:
        meter = llm.metered_for(grokorc.engine)
        mediator = llm_mediator(meter, project_id=request.project_id, revision=request.revision)
    found = detect_conflicts(workspace)
    report = resolve(workspace, found, mediator=mediator)
    usage = meter.usage if meter else Usage(model="offline")
    value = {**report.as_result(), "project_dir": report.project_dir, "usage": usage.model_dump()}
    context.add_output_metadata(dagster_metadata(ConflictsMetadata(
        conflicts_detected=report.conflicts_detected,
        conflicts_resolved=report.conflicts_resolved,
        by_kind=report.by_kind(),
        similarities=[c.similarity for c in report.items if c.similarity is not None],
        conflicts=report.to_markdown(),
        project_dir=report.project_dir,
        mediation_diff=report.diff_paths[0] if report.diff_paths else None,
        **usage_metadata(usage),
    )))
    return value

