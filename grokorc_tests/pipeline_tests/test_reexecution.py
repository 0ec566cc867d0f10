"""Self-healing: a run that died half-way is re-executed from failure and reuses what was done."""

import json
import subprocess
import sys
import uuid

from dagster import DagsterEventType

from grokorc_assets.cli.run_results import compose_result
from grokorc_assets.cli.runner import resume_from_failure


def started_steps(instance, run_id) -> set[str]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START).records
    return {r.event_log_entry.dagster_event.step_key for r in records}


def test_a_run_whose_browser_is_gone_resumes_from_failure(cli_env, settings, instance):
    project_id = f"heal-{uuid.uuid4().hex[:6]}"
    broken = {**cli_env, "GROKORC_CHROMIUM": "/nonexistent/chromium"}
    proc = subprocess.run(
        [sys.executable, "-m", "grokorc_assets.cli", "build", "Recipe sharing site with comments", "--project-id",
         project_id, "--json"], env=broken, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    failed = json.loads(proc.stdout)
    assert failed["status"] == "failed"
    assert failed["execution"]["assets"]["visual_test"]["status"] == "failed"
    assert failed["execution"]["assets"]["plan"]["status"] == "done"
    assert failed["execution"]["assets"].get("delivery", {}).get("status") != "done"

    # The browser is back (this process resolves the system Chromium): resume from the failure.
    resumed_id = resume_from_failure(settings, failed["execution"]["run_id"])
    assert instance.get_run_by_id(resumed_id).is_success
    rerun = started_steps(instance, resumed_id)
    assert {"visual_test", "delivery"} <= rerun
    assert not {"project_request", "plan", "frontend", "backend", "devops", "ui"} & rerun
    # The final result of the resumed run covers the whole run group: delivered, every SLO evaluated.
    result = compose_result(instance, settings, resumed_id, project_id, 1)
    assert result["status"] == "success"
    assert all(result["slos"][name]["breach"] is not None for name in ("cost", "latency", "coverage", "confidence"))
    assert result["execution"]["assets"]["plan"]["status"] == "done"
