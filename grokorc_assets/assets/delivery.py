"""`delivery`: the packaged project and report.json. Materialises only when no blocking check failed."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from pathlib import Path

from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata, markdown_table
from grokorc_assets.cli.run_results import compose_result
from grokorc_assets.contract import SLO_CHECKS, DeliveryMetadata, DeliveryValue
from grokorc_assets.packaging import package_project
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.storage.results import ResultStore
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.telemetry.tracing import set_slo_attributes


@asset(
    partitions_def=projects_partitions,
    group_name="delivery",
    kinds={"python"},
    description="The delivered project archive and its report.json (the final result).",
)
@traced_step
def delivery(
    context: AssetExecutionContext, grokorc: GrokorcState, coverage: dict, visual_test: dict, conflicts: dict
) -> dict:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    result = compose_result(
        context.instance, grokorc.settings, context.run_id, request.project_id, request.revision,
        delivering=True, status="success",
    )
    workspace = grokorc.workspace(request)
    archive = package_project(
        Path(conflicts["project_dir"]), workspace / "delivery", f"{request.project_id}-r{request.revision}", result
    )
    ResultStore(grokorc.engine).save(result)
    slos = result["slos"]
    set_slo_attributes(
        tokens_used=slos["cost"].get("tokens"), estimated_cost=slos["cost"].get("estimated_cost"),
        latency_seconds=slos["latency"].get("duration_seconds"), coverage=slos["coverage"].get("value"),
        stack_confidence=slos["confidence"].get("value"), latency_breach=slos["latency"].get("breach"),
        confidence_breach=slos["confidence"].get("breach"), compliant=slos.get("compliant"),
    )
    rows = [[name, slos[name].get("value", slos[name].get("estimated_cost", slos[name].get("duration_seconds"))),
             slos[name].get("threshold", slos[name].get("threshold_seconds")), slos[name]["breach"]]
            for name in SLO_CHECKS]
    report = str(workspace / "delivery" / "report.json")
    context.add_output_metadata(dagster_metadata(DeliveryMetadata(
        status=result["status"], compliant=slos["compliant"],
        slos=markdown_table(["SLO", "value", "threshold", "breach"], rows),
        archive=str(archive), archive_bytes=archive.stat().st_size, report=report,
    )))
    return DeliveryValue(status=result["status"], archive=str(archive), report=report).model_dump()
