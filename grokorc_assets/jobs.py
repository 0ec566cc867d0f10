"""The one job: materialise a project's whole asset graph (checks included) for one partition.

Its executor is chosen per run (``execution_run_config``). A build whose steps do no waiting on a
model (offline, or replaying recorded exchanges) runs every step in the run's own process: its steps
are milliseconds to seconds of work, and a process per step would cost more than the step. A build that
asks a live model runs on the multiprocess executor, so the three agents wait for their model side by
side. ``GROKORC_EXECUTOR=in_process|multiprocess`` overrides the choice (``auto`` by default).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import AssetSelection, define_asset_job, multi_or_in_process_executor

from grokorc_assets.contract import JOB_NAME
from grokorc_assets.llm.settings import load_settings
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.settings import ConfigError

EXECUTOR_ENV = "GROKORC_EXECUTOR"
EXECUTORS = ("auto", "in_process", "multiprocess")
MULTIPROCESS = {
    "multiprocess": {
        # 4: the three agents (frontend, backend, devops) never wait for each other.
        "max_concurrent": 4,
        # forkserver with the definitions preloaded: a step process forks from a warm interpreter
        # instead of importing Dagster afresh (seconds per step on these machines).
        "start_method": {"forkserver": {"preload_modules": ["grokorc_assets.forkserver_preload"]}},
    }
}
IN_PROCESS: dict = {"in_process": {}}


def executor_for(env: Mapping[str, str] | None = None) -> str:
    """``in_process`` or ``multiprocess`` for a run started with this environment."""
    env = os.environ if env is None else env
    chosen = env.get(EXECUTOR_ENV, "").strip() or "auto"
    if chosen not in EXECUTORS:
        raise ConfigError(f"{EXECUTOR_ENV} must be one of {', '.join(EXECUTORS)}, not {chosen!r}")
    if chosen != "auto":
        return chosen
    llm = load_settings(env)  # a bad LLM configuration is said here, before any run starts
    return "in_process" if llm.provider == "offline" or llm.record_mode == "replay" else "multiprocess"


def execution_run_config(env: Mapping[str, str] | None = None) -> dict:
    """The run config that selects the executor for a run started with this environment."""
    executor = executor_for(env)
    return {"execution": {"config": IN_PROCESS if executor == "in_process" else MULTIPROCESS}}


build_project_job = define_asset_job(
    name=JOB_NAME,
    selection=AssetSelection.all(),
    partitions_def=projects_partitions,
    executor_def=multi_or_in_process_executor,
    # What a launch without run config (the Dagster UI, `dagster job backfill`) gets.
    config={"execution": {"config": MULTIPROCESS}},
    description="Build one project revision end to end.",
)
