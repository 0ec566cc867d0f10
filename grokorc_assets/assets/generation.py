"""`frontend`, `backend`, `devops`: the three agents, built side by side (multiprocess executor).

Offline, each renders templates from the plan; with GROKORC_LLM_PROVIDER=openai each asks the model
for files, which are validated before anything is written. Values are JSON summaries; the files
live in the revision's workspace under ``agents/<agent>/``.
"""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from functools import partial
from pathlib import Path

from dagster import AssetExecutionContext, AssetsDefinition, asset

from grokorc_assets.assets.metadata import dagster_metadata, file_tree_markdown, usage_metadata
from grokorc_assets.assets.retries import TRANSIENT_FAILURES
from grokorc_assets.contract import GenerationMetadata
from grokorc_assets.generation import GenerationResult, generate_backend, generate_devops, generate_frontend
from grokorc_assets.generation.llm_agent import generate_with_llm, unproven_problems
from grokorc_assets.models import Plan
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState, LLMResource
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.testrun import run_python_tests

OFFLINE_GENERATORS = {"frontend": generate_frontend, "backend": generate_backend, "devops": generate_devops}


def run_agent(
    agent: str, context: AssetExecutionContext, grokorc: GrokorcState, llm: LLMResource, plan: dict
) -> dict:
    planned = Plan.model_validate(plan)
    request = grokorc.request_for_run(context.partition_key, context.run.tags)
    workspace = grokorc.workspace(request)
    if llm.is_offline:
        result: GenerationResult = OFFLINE_GENERATORS[agent](planned, workspace)
    else:
        provider = llm.provider_for(grokorc.engine)
        # The backend's tests can run now: its failures go back to the model while the budget allows.
        verify = None
        if agent == "backend":
            verify = partial(unproven_problems, plan=planned, run_tests=sandboxed_backend_tests)
        result = generate_with_llm(
            agent, planned, workspace, provider, project_id=request.project_id, revision=request.revision,
            verify=verify, budget_usd=grokorc.settings.slo.cost_usd - planned.usage.cost_usd,
        )
    context.add_output_metadata(generation_metadata(result))
    return result.model_dump(mode="json")


def sandboxed_backend_tests(agent_root: Path) -> dict:
    """The agent's backend tests, run as the coverage stage runs them (sandboxed, under coverage)."""
    report = run_python_tests(agent_root / "backend", source_dirs=["app"], test_dir="tests")
    return {"failures": [f.model_dump() for f in report.failures], "passed_tests": report.passed_tests,
            "ran": bool(report.tests_passed or report.tests_failed or report.tests_errored)}


def generation_metadata(result: GenerationResult) -> dict:
    substitutions = [f"{s.layer}: {s.recommended} → {s.generated} ({s.reason})" for s in result.substitutions]
    return dagster_metadata(GenerationMetadata(
        applicable=result.applicable,
        files=len(result.files),
        bytes=sum(f.bytes for f in result.files),
        file_tree=file_tree_markdown([f.path for f in result.files]),
        recommended=result.recommended.model_dump(),
        generated=result.generated.model_dump(),
        substitutions="\n".join(f"- {s}" for s in substitutions) or "none",
        endpoints=len(result.endpoints),
        root=result.root,
        repairs=len(result.repairs),
        unresolved="\n".join(f"- {p}" for p in result.unresolved) or "none",
        **usage_metadata(result.usage),
    ))


def agent_asset(agent: str, description: str) -> AssetsDefinition:
    @asset(
        name=agent,
        partitions_def=projects_partitions,
        group_name="generation",
        kinds={"python"},
        description=description,
        retry_policy=TRANSIENT_FAILURES,
    )
    @traced_step
    def _agent(context: AssetExecutionContext, grokorc: GrokorcState, llm: LLMResource, plan: dict) -> dict:
        return run_agent(agent, context, grokorc, llm, plan)

    return _agent


frontend = agent_asset("frontend", "Static front end: HTML shell, CSS, a JavaScript client for the API.")
backend = agent_asset("backend", "FastAPI application (or a CLI program) with its own pytest tests.")
devops = agent_asset("devops", "Dockerfiles, docker-compose, CI workflow and .env.example.")
