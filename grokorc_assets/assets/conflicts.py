"""`conflicts`: where the parallel agents contradict each other; mediated above the similarity
threshold, escalated below it (to the configured LLM when there is one), before coverage runs."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import AssetExecutionContext, MetadataValue, RetryPolicy, asset

from grokorc_assets.assets.metadata import usage_metadata
from grokorc_assets.conflicts import detect_conflicts, llm_mediator, resolve
from grokorc_assets.llm import LLMSettings, make_provider
from grokorc_assets.llm.meter import MeteredProvider
from grokorc_assets.llm.offline import no_offline_answer
from grokorc_assets.models import Usage
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState
from grokorc_assets.storage.exchanges import PostgresExchangeStore
from grokorc_assets.telemetry.steps import traced_step


@asset(
    partitions_def=projects_partitions,
    group_name="verification",
    kinds={"python"},
    description="Contradictions between frontend, backend, devops and ui; auto-mediated or escalated.",
    retry_policy=RetryPolicy(max_retries=2, delay=1.0),
)
@traced_step
def conflicts(
    context: AssetExecutionContext, grokorc: GrokorcState, frontend: dict, backend: dict, devops: dict, ui: dict
) -> dict:
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    llm = LLMSettings.from_env()
    meter = None
    mediator = None
    if llm.provider != "offline":
        meter = MeteredProvider(make_provider(llm, no_offline_answer, PostgresExchangeStore(grokorc.engine)))
        mediator = llm_mediator(meter, project_id=request.project_id, revision=request.revision)
    found = detect_conflicts(workspace)
    report = resolve(workspace, found, mediator=mediator)
    usage = meter.usage if meter else Usage(model="offline")
    value = {**report.as_result(), "project_dir": report.project_dir, "usage": usage.model_dump()}
    context.add_output_metadata(
        {
            "conflicts_detected": report.conflicts_detected,
            "conflicts_resolved": report.conflicts_resolved,
            "by_kind": MetadataValue.json(report.by_kind()),
            "similarities": MetadataValue.json([c.similarity for c in report.items if c.similarity is not None]),
            "conflicts": MetadataValue.md(report.to_markdown()),
            "project_dir": MetadataValue.path(report.project_dir),
            **({"mediation_diff": MetadataValue.path(report.diff_paths[0])} if report.diff_paths else {}),
            **usage_metadata(usage),
        }
    )
    return value

