"""`project_request`: the stored request this run builds (message, revision, submitted_at)."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.


from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata
from grokorc_assets.contract import ProjectRequestMetadata, ProjectRequestValue
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.telemetry.steps import traced_step


@asset(
    partitions_def=projects_partitions,
    group_name="request",
    kinds={"postgres"},
    description="The stored natural-language request of this project revision.",
)
@traced_step(root=True)  # the run's first step: also emits the run's root span
def project_request(context: AssetExecutionContext, grokorc: GrokorcState) -> dict:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    (workspace / "request.txt").write_text(request.message, encoding="utf-8")
    context.add_output_metadata(dagster_metadata(ProjectRequestMetadata(
        revision=request.revision, submitted_at=request.submitted_at.isoformat(), characters=len(request.message),
        message=_quote(request.message[:2000]), workspace=str(workspace),
    )))
    return ProjectRequestValue(
        project_id=request.project_id, revision=request.revision, message=request.message,
        submitted_at=request.submitted_at.isoformat(), workspace=str(workspace),
    ).model_dump()


def _quote(text: str) -> str:
    # Shown as a Markdown block quote; escape Markdown/HTML so a request cannot restyle the UI.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join("> " + line for line in escaped.splitlines())
