"""Fault: a run worker killed half-way. The run ends failed (a defined state), and re-execution from
failure completes it, reusing every step that had finished."""

import json
import os
import signal
import subprocess
import sys
import uuid

from dagster import DagsterEventType, RunsFilter

from grokorc_assets.cli.run_results import compose_result
from grokorc_assets.cli.runner import resume_from_failure
from grokorc_tests.polling import wait_for

DEADLINE_SECONDS = 600


def step_worker_pid(instance, run_id: str, step_key: str) -> int | None:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START).records
    return next((r.event_log_entry.dagster_event.pid for r in records if r.event_log_entry.step_key == step_key),
                None)


def test_killing_the_coverage_worker_fails_the_run_and_resume_completes_it(cli_env, settings, instance):
    project_id = f"kill-{uuid.uuid4().hex[:6]}"
    build = subprocess.Popen(
        [sys.executable, "-m", "grokorc_assets.cli", "build", "Inventory tracker for a bike shop", "--project-id",
         project_id, "--json"], env={**cli_env, "GROKORC_EXECUTOR": "multiprocess"},  # a step worker to kill
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        run_id = wait_for(lambda: next(iter(r.run_id for r in instance.get_runs(
            filters=RunsFilter(tags={"dagster/partition": project_id}), limit=1)), None), "the run")
        pid = wait_for(lambda: step_worker_pid(instance, run_id, "coverage"), "the coverage step")
        os.kill(pid, signal.SIGKILL)
        stdout, stderr = build.communicate(timeout=DEADLINE_SECONDS)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 1, stderr[-2000:]
    failed = json.loads(stdout)
    assert failed["status"] == "failed" and failed["execution"]["run_id"] == run_id
    assert failed["execution"]["assets"]["coverage"]["status"] == "failed"

    resumed_id = resume_from_failure(settings, run_id)
    rerun = {r.event_log_entry.step_key for r in instance.get_records_for_run(
        resumed_id, of_type=DagsterEventType.STEP_START).records}
    assert "coverage" in rerun and "delivery" in rerun
    assert not {"plan", "frontend", "backend", "devops", "ui", "conflicts"} & rerun
    assert compose_result(instance, settings, resumed_id, project_id, 1)["status"] == "success"
