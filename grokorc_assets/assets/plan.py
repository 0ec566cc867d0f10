"""`plan`: stack inference + task breakdown for the request (docs/design.md "Plan")."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

import json

from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata, markdown_table, usage_metadata
from grokorc_assets.assets.retries import TRANSIENT_FAILURES
from grokorc_assets.contract import PlanMetadata
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.planning.entities import not_built_note, unbuilt_technologies
from grokorc_assets.planning.service import Planner
from grokorc_assets.resources import GrokorcState, LLMResource
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.telemetry.tracing import set_slo_attributes


@asset(
    partitions_def=projects_partitions,
    group_name="plan",
    kinds={"python", "pgvector"},
    description="Archetype, stack, entities, features, pages and agent tasks inferred from the request.",
    # The LLM path can meet a flaky endpoint; the provider already backs off per exchange.
    retry_policy=TRANSIENT_FAILURES,
)
@traced_step
def plan(context: AssetExecutionContext, grokorc: GrokorcState, llm: LLMResource, project_request: dict) -> dict:
    planned, response = Planner(grokorc.engine, llm.settings).plan(
        project_request["message"], project_request["project_id"], project_request["revision"]
    )
    value = planned.model_dump(mode="json")
    set_slo_attributes(stack_confidence=planned.confidence,
                       confidence_breach=planned.confidence < grokorc.settings.slo.confidence)
    workspace = grokorc.settings.workspace(project_request["project_id"], project_request["revision"])
    (workspace / "plan.json").write_text(json.dumps(value, indent=2, sort_keys=True))
    context.add_output_metadata(dagster_metadata(PlanMetadata(
        archetype=planned.archetype,
        confidence=planned.confidence,
        has_ui=planned.has_ui,
        stack=markdown_table(["layer", "technologies"],
                             [[layer, ", ".join(techs)] for layer, techs in value["stack"].items()]),
        explicit=", ".join(planned.explicit) or "(none named)",
        neighbours=markdown_table(["reference project", "archetype", "similarity"],
                                  [[n.id, n.archetype, f"{n.similarity:.3f}"] for n in planned.neighbours]),
        pages=", ".join(planned.pages),
        entities=markdown_table(
            ["entity", "fields"],
            [[e, ", ".join(f"{f.name} ({f.type})" for f in planned.fields.get(e, []))] for e in planned.entities]),
        features=", ".join(planned.features) or "(none)",
        excluded=", ".join(planned.excluded) or "(none)",
        not_built=not_built_note(unbuilt_technologies(project_request["message"])),
        acceptance_criteria=markdown_table(
            ["id", "feature", "verified by", "criterion"],
            [[c.id, c.feature, c.verify, c.text] for c in planned.acceptance]) if planned.acceptance else "none",
        unmet="\n".join(f"- **{u.what}**: {u.reason}" for u in planned.unmet) or "none",
        replayed=response.replayed,
        **usage_metadata(planned.usage),
    )))
    return value
