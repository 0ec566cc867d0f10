"""Submitting and building projects on the shared Dagster instance (used by the CLI and tests)."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grokorc_assets.contract import Tag
from grokorc_assets.settings import Settings
from grokorc_assets.storage.database import ensure_database
from grokorc_assets.storage.requests import RequestStore, StoredRequest
from grokorc_assets.validation import validate_message, validate_project_id

if TYPE_CHECKING:
    from grokorc_assets.cli.progress import StepProgress

FORKSERVER_PRELOAD = "grokorc_assets.forkserver_preload"  # the same module jobs.py names
# The CLI shows its own progress and a failed step's first error line; Dagster's event lines (errors
# with stack traces included) stay in the event log and the Dagster UI.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def derive_project_id(message: str) -> str:
    """A readable id from the first words plus a short hash, e.g. ``sales-analytics-dashboard-3f2a9c``."""
    words = re.findall(r"[a-z0-9]+", message.lower())[:4]
    stem = "-".join(words)[:40].strip("-") or "project"
    digest = hashlib.sha256(f"{message}{uuid.uuid4()}".encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{stem}-{digest}"


def submit_request(
    settings: Settings, message: str, project_id: str | None = None, *, build_here: bool = False
) -> StoredRequest:
    """Store the request. ``build_here``: this process builds it (``build_request``), so the request
    sensor of a running `grokorc dev` must not launch a second run of the same revision."""
    validate_message(message)
    project_id = derive_project_id(message) if project_id is None else validate_project_id(project_id)
    return RequestStore(ensure_database(settings)).submit(project_id, message, "cli" if build_here else None)


@dataclass
class BuildOutcome:
    request: StoredRequest
    run_id: str
    success: bool
    steps: dict[str, StepProgress] = field(default_factory=dict)


ProgressCallback = Callable[[str, dict[str, "StepProgress"]], None]


def start_step_forkserver() -> None:
    """Start the executor's forkserver now, so it imports the definitions on the other core while this
    process imports them too (the executor reuses a running forkserver instead of starting its own)."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([FORKSERVER_PRELOAD])
    forkserver.ensure_running()


def build_request(
    settings: Settings, request: StoredRequest, on_progress: ProgressCallback | None = None
) -> BuildOutcome:
    """Materialise the whole graph for the request's partition and revision, in this process."""
    from grokorc_assets.instance import prepare_dagster_env

    prepare_dagster_env(settings)  # first: the forkserver's step processes inherit this environment
    from grokorc_assets.jobs import execution_run_config

    run_config = {**QUIET_RUN_CONFIG, **execution_run_config()}
    if "multiprocess" in run_config["execution"]["config"]:
        start_step_forkserver()
    from dagster import execute_job, reconstructable

    from grokorc_assets.cli.progress import RunWatcher
    from grokorc_assets.definitions import build_project
    from grokorc_assets.instance import get_instance
    from grokorc_assets.partitions import projects_partitions

    instance = get_instance(settings)
    if not instance.has_dynamic_partition(projects_partitions.name, request.project_id):
        instance.add_dynamic_partitions(projects_partitions.name, [request.project_id])
    build_token = uuid.uuid4().hex
    tags = {
        Tag.PARTITION: request.project_id,
        Tag.REVISION: str(request.revision),
        Tag.BUILD: build_token,
    }
    try:
        with RunWatcher(instance, build_token, on_progress) as watcher:
            result = execute_job(
                reconstructable(build_project), instance=instance, tags=tags, run_config=run_config
            )
    finally:
        instance.dispose()  # its kept storage connections go now (instance_plugins.POOL_OPTIONS)
    return BuildOutcome(request=request, run_id=result.run_id, success=result.success, steps=watcher.steps)


def resume_from_failure(settings: Settings, run_id: str) -> str:
    """Re-execute a failed build from its failed steps, reusing everything it materialised.

    Returns the new run's id. The partition and revision tags are carried over explicitly: the
    re-execution API does not copy a parent run's tags.
    """
    from dagster import ReexecutionOptions, execute_job, reconstructable

    from grokorc_assets.definitions import build_project
    from grokorc_assets.instance import get_instance
    from grokorc_assets.jobs import execution_run_config

    instance = get_instance(settings)
    parent = instance.get_run_by_id(run_id)
    if parent is None:
        raise ValueError(f"no run {run_id!r} on this instance")
    tags = {key: parent.tags[key] for key in (Tag.PARTITION, Tag.REVISION) if key in parent.tags}
    # Explicit tags replace the ones re-execution would set, so name the run group here too.
    tags["dagster/parent_run_id"] = run_id
    tags["dagster/root_run_id"] = parent.tags.get("dagster/root_run_id", run_id)
    result = execute_job(
        reconstructable(build_project), instance=instance, tags={**tags, Tag.BUILD: uuid.uuid4().hex},
        run_config={**QUIET_RUN_CONFIG, **execution_run_config()},
        reexecution_options=ReexecutionOptions.from_failure(run_id, instance),
    )
    return result.run_id


def final_result_for(settings: Settings, outcome: BuildOutcome) -> dict:
    """The build's final result: the one `delivery` stored, or, for a run that did not deliver
    (blocked or failed), one composed from what the run did produce, stored the same way."""
    from grokorc_assets.cli.run_results import compose_result
    from grokorc_assets.instance import get_instance
    from grokorc_assets.storage.results import ResultStore

    store = ResultStore(ensure_database(settings))
    stored = store.for_run(outcome.run_id)
    if stored is not None:
        return stored
    with get_instance(settings) as instance:
        result = compose_result(
            instance, settings, outcome.run_id, outcome.request.project_id, outcome.request.revision
        )
    store.save(result)
    return result


def approve_latest_shots(settings: Settings, project_id: str, approved_by: str) -> list[dict]:
    """Promote every shot of the project's latest `visual_test` to the current baseline.

    A broken page (an error or an empty state where content was promised) is never promoted, whichever
    list it is stored in: approving it would make the broken state the expected one.
    """
    from grokorc_assets.storage.asset_files import latest_value
    from grokorc_assets.storage.baselines import PostgresBaselineStore
    from grokorc_assets.validation import BadInputError

    visual = latest_value(settings.home / "assets", "visual_test", project_id) or {}
    if not visual.get("shots"):
        raise BadInputError(f"project {project_id!r} has no screenshots yet: build it first (grokorc build)")
    store = PostgresBaselineStore(ensure_database(settings), settings.home / "baselines")
    return [
        store.promote(project_id, shot["page"], shot["viewport"], Path(shot["path"]), visual.get("revision", 0),
                      approved_by).model_dump()
        for shot in visual["shots"] if shot.get("status") != "broken"
    ]
