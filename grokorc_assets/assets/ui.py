"""`ui`: a component tree per page, bound to backend endpoints that exist, rendered to final pages."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata, markdown_table, usage_metadata
from grokorc_assets.assets.retries import TRANSIENT_FAILURES
from grokorc_assets.contract import UiMetadata
from grokorc_assets.generation import GenerationResult, infer_ui
from grokorc_assets.models import Plan
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.telemetry.steps import traced_step


@asset(
    partitions_def=projects_partitions,
    group_name="generation",
    kinds={"html"},
    description="Inferred UI component trees per page, rendered with the frontend's shell and styles.",
    retry_policy=TRANSIENT_FAILURES,
)
@traced_step
def ui(
    context: AssetExecutionContext, grokorc: GrokorcState, plan: dict, frontend: dict, backend: dict, devops: dict
) -> dict:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    result = infer_ui(
        Plan.model_validate(plan), grokorc.workspace(request), backend=GenerationResult.model_validate(backend)
    )
    rows = [
        [page.slug, page.path, sum(node.count() for node in page.components),
         ", ".join(sorted({n.binding.path for n in page.components if n.binding}))]
        for page in result.pages
    ]
    context.add_output_metadata(dagster_metadata(UiMetadata(
        applicable=result.applicable,
        reason=result.reason or "",
        components_generated=result.components_generated,
        pages=markdown_table(["page", "file", "components", "bound endpoints"], rows) if rows else "no pages",
        **usage_metadata(result.usage),
    )))
    return result.model_dump(mode="json")
