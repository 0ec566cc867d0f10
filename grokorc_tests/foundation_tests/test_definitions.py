import os
import subprocess
import sys

from grokorc_tests.conftest import REPO_ROOT


def test_definitions_load():
    from grokorc_assets.definitions import build_project, defs

    repo = defs.get_repository_def()
    keys = {key.to_user_string() for key in repo.asset_graph.get_all_asset_keys()}
    assert "project_request" in keys
    assert build_project().name == "build_project"
    assert defs.get_sensor_def("project_request_sensor").job_name == "build_project"


def test_dagster_definitions_validate_passes_on_the_project_instance(instance):
    # `instance` prepared DAGSTER_HOME and the storage URL in os.environ, as `grokorc env` does.
    proc = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful" in proc.stdout + proc.stderr


def test_instance_uses_postgres_storage(instance):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)


def test_steps_ride_out_a_database_restart_but_a_killed_test_worker_fails_the_run() -> None:
    from dagster import AssetKey

    from grokorc_assets.definitions import defs

    for name in ("plan", "frontend", "backend", "devops", "ui", "conflicts"):
        policy = defs.get_assets_def(AssetKey(name)).op.retry_policy
        waits = [policy.calculate_delay(n) for n in range(1, policy.max_retries + 1)]
        assert sum(waits) >= 14.0, (name, waits)  # longer than a Postgres restart in the stack
    assert defs.get_assets_def(AssetKey("coverage")).op.retry_policy is None
    # A check writes its verdict to Postgres too ("plan_confidence_slo" once failed a run that way).
    for checks in defs.asset_checks or []:
        policy = checks.op.retry_policy
        assert policy is not None and sum(policy.calculate_delay(n) for n in range(1, policy.max_retries + 1)) >= 14.0
