"""`grokorc dev` end to end: the UI and its GraphQL, Chromium on the UI, the request sensor and a
backfill, all through the real webserver and daemon on the test session's instance.

One server for the module. The request sensor is started only while a test wants it (its cursor set
past every request already stored), so requests stored by other tests never become extra builds.
Builds are few and small (CLI projects: no pages to screenshot): one through the sensor, five
through the backfill.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from grokorc_assets import contract
from grokorc_assets.storage.requests import RequestStore
from grokorc_tests.deployment_tests.devserver import (
    WORKSPACE,
    DevServer,
    dagster_env,
    wait_until,
)

ASSETS = {str(name) for name in contract.AssetName}
SLO_CHECKS = {str(name) for name in contract.SLO_CHECKS.values()}
SMALL_PROJECTS = [
    "Command-line tool that renames photos by date",
    "Command-line tool that converts CSV files to JSON",
    "Command-line tool that counts words in text files",
    "Command-line tool that checks links in markdown files",
    "Command-line tool that tracks time spent on tasks",
]
BUILD_TIMEOUT = 900  # one build is ~40-100 s on a loaded 2-core machine; runs queue two at a time


def latest_request_id(engine) -> int:
    feed = RequestStore(engine).after(0, limit=1_000_000)
    return feed[-1].id if feed else 0


@pytest.fixture(scope="module")
def dev(cli_env, engine, grokorc_home: Path, tmp_path_factory):
    log = tmp_path_factory.mktemp("grokorc-dev") / "dev.log"
    server = DevServer(cli_env, log)
    server.preset_request_sensor_cursor(latest_request_id(engine))
    stopped = None
    try:
        server.start()
        server.stop_request_sensor()
        yield server
    finally:
        stopped = server.stop()
    # It stopped everything itself: dagster dev, webserver, daemon, code servers, run workers.
    assert stopped is not None and stopped.killed == []


@pytest.fixture(scope="module")
def sensor_project(dev, engine):
    """Two revisions of one project submitted with `grokorc submit`, built by the runs the daemon's sensor
    launched: one tick launches a run per revision, and r2 queues behind r1 (one run per partition) and is
    cancelled before it starts, to keep builds few.

    Both are stored before the sensor starts. Submitting r2 while r1 runs was a race: a command-line
    project builds in a few seconds from the warm worker, and r1 could finish before the sensor's next
    tick (every 5 s) launched r2, which then started at once.
    """
    project_id = f"dep-{uuid.uuid4().hex[:8]}"
    cursor = latest_request_id(engine)
    for revision, text in enumerate((SMALL_PROJECTS[0], SMALL_PROJECTS[0] + " and EXIF dates"), start=1):
        submit = subprocess.run(
            [sys.executable, "-m", "grokorc_assets.cli", "submit", text, "--project-id", project_id],
            env=dev.env, capture_output=True, text=True, timeout=300,
        )
        assert submit.returncode == 0, submit.stderr
        assert f"stored {project_id} revision {revision}" in submit.stdout
    dev.start_request_sensor(cursor)
    try:
        r2 = wait_until(
            "the sensor to launch r2",
            # NOT_STARTED: created by the sensor, not yet submitted to the queue.
            lambda: [r for r in dev.runs({"dagster/partition": project_id})
                     if r["tags"].get("grokorc/revision") == "2" and r["status"] != "NOT_STARTED"],
            120,
        )
        r2_status_before_cancel = r2[0]["status"]
        seen_at = time.time()  # both revisions' runs exist: every later tick must launch nothing
        dev.terminate([r2[0]["runId"]])
        first = [r for r in dev.runs({"dagster/partition": project_id}) if r["tags"].get("grokorc/revision") == "1"]
        runs = dev.wait_for_runs({"dagster/partition": project_id}, 2, BUILD_TIMEOUT)
        # At least two more finished ticks after both revisions were seen (a tick still in progress has no
        # verdict yet).
        ticks_after = wait_until(
            "two more finished sensor ticks",
            lambda: (later := [t for t in dev.sensor_state()["ticks"]
                               if t["timestamp"] > seen_at and t["status"] != "STARTED"]) and len(later) >= 2
            and later,
            120,
        )
    finally:
        dev.stop_request_sensor()
    return {"project_id": project_id, "runs": runs, "first_run_id": first[0]["runId"],
            "r2_status_before_cancel": r2_status_before_cancel, "ticks_after": ticks_after}


def test_the_daemon_warms_the_run_worker_up_before_any_run(dev):
    """Before any run is launched (the sensor is stopped, nothing submitted yet), the daemon has
    started the warm run worker: the first project does not wait for its imports."""
    import psutil

    def run_workers():
        tree = psutil.Process(dev.proc.pid).children(recursive=True)
        return [p for p in tree if "grokorc_assets.run_worker" in " ".join(p.cmdline())] or None

    (worker,) = wait_until("the warm run worker", run_workers, 120)
    assert "dagster._daemon" in " ".join(worker.parent().cmdline())
    assert worker.children() == []  # it has forked no run: it was started ahead of one


def test_ui_and_graphql_serve_the_assets_checks_and_partitions(dev, sensor_project):
    import urllib.request

    with urllib.request.urlopen(dev.url + "/", timeout=30) as response:
        assert response.status == 200
        assert b"Dagster" in response.read()
    checks = dev.asset_checks()
    assert ASSETS <= set(checks), sorted(checks)
    all_checks = {name for names in checks.values() for name in names}
    assert SLO_CHECKS <= all_checks, sorted(all_checks)
    assert "cost_slo" in checks["conflicts"] and "confidence_slo" in checks["plan"]
    assert {"coverage_slo", "latency_slo"} <= set(checks["coverage"])
    for asset in ("plan", "coverage", "delivery"):
        assert sensor_project["project_id"] in dev.partition_keys(asset)
    assert "never-submitted" not in dev.partition_keys("plan")


def test_request_sensor_launches_exactly_one_run_per_revision(dev, sensor_project, instance):
    from dagster import DagsterEventType

    project_id = sensor_project["project_id"]
    runs = dev.runs({"dagster/partition": project_id})
    by_revision = {}
    for run in runs:
        by_revision.setdefault(run["tags"]["grokorc/revision"], []).append(run)
    assert sorted(by_revision) == ["1", "2"], runs
    assert all(len(group) == 1 for group in by_revision.values()), runs
    (r1,) = by_revision["1"]
    (r2,) = by_revision["2"]
    assert r1["runId"] == sensor_project["first_run_id"]
    assert r1["tags"]["dagster/run_key"] == f"{project_id}:r1"
    assert r2["tags"]["dagster/run_key"] == f"{project_id}:r2"
    assert r1["tags"]["dagster/sensor_name"] == "project_request_sensor"
    assert r1["status"] == "SUCCESS", r1
    # r2 waited for r1 (at most one run per project partition) and was cancelled before it ran.
    assert sensor_project["r2_status_before_cancel"] == "QUEUED"
    assert r2["status"] == "CANCELED", r2
    never_ran = instance.all_logs(r2["runId"], of_type={DagsterEventType.RUN_START, DagsterEventType.STEP_START})
    assert never_ran == [], never_ran
    # The ticks after both runs were launched skipped: nothing new, nothing launched twice.
    for tick in sensor_project["ticks_after"]:
        assert tick["status"] == "SKIPPED" and not tick["runIds"], tick


def test_chromium_shows_the_partition_materialisations_and_check_history(dev, sensor_project):
    from playwright.sync_api import expect, sync_playwright

    project_id = sensor_project["project_id"]
    run_id = sensor_project["first_run_id"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(60_000)
            # The asset's partitions: the project is listed; selecting it shows its materialisation.
            page.goto(f"{dev.url}/assets/coverage?view=partitions")
            page.get_by_text(project_id, exact=True).first.click()
            expect(page).to_have_url(re.compile(rf"partition={project_id}"))
            expect(page.get_by_text("Latest materialization")).to_be_visible()
            expect(page.get_by_text(run_id[:8]).first).to_be_visible()
            expect(page.get_by_text("coverage_percent").first).to_be_visible()
            # Its events: the materialisation of that partition, by that run.
            page.goto(f"{dev.url}/assets/plan?view=events&partition={project_id}")
            expect(page.get_by_text(run_id[:8]).first).to_be_visible()
            # Check history: coverage_slo evaluated and passed for this partition.
            page.goto(f"{dev.url}/assets/coverage?view=checks")
            page.get_by_text("coverage_slo", exact=True).first.click()
            page.get_by_text("Execution history").first.click()
            row = page.locator("tr", has_text=project_id).first
            expect(row).to_be_visible()
            expect(row).to_contain_text("Passed")
            # And the cost SLO on `conflicts`.
            page.goto(f"{dev.url}/assets/conflicts?view=checks")
            page.get_by_text("cost_slo", exact=True).first.click()
            page.get_by_text("Execution history").first.click()
            expect(page.locator("tr", has_text=project_id).first).to_contain_text("Passed")
        finally:
            browser.close()


def test_backfill_of_five_partitions_through_the_daemon(dev, settings, instance):
    from grokorc_assets.cli.runner import submit_request
    from grokorc_assets.partitions import projects_partitions

    dev.stop_request_sensor()  # the backfill, not the sensor, builds these requests
    tag = uuid.uuid4().hex[:6]
    project_ids = [f"bf-{tag}-{i}" for i in range(len(SMALL_PROJECTS))]
    for project_id, message in zip(project_ids, SMALL_PROJECTS, strict=True):
        submit_request(settings, message, project_id)
    instance.add_dynamic_partitions(projects_partitions.name, project_ids)

    launched = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "backfill", "-w", str(WORKSPACE), "-j", "build_project",
         "--partitions", ",".join(project_ids), "--noprompt"],
        env=dagster_env(dev.env), capture_output=True, text=True, timeout=600,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr
    backfill_id = re.search(r"Launched backfill job `([^`]+)`", launched.stdout).group(1)

    runs = dev.wait_for_runs({"dagster/backfill": backfill_id}, len(project_ids), BUILD_TIMEOUT * 2)
    assert sorted(r["tags"]["dagster/partition"] for r in runs) == sorted(project_ids)
    assert [r["status"] for r in runs] == ["SUCCESS"] * len(project_ids), runs
    # Only the backfill built these partitions.
    for project_id in project_ids:
        assert [r["runId"] for r in dev.runs({"dagster/partition": project_id})] == [
            r["runId"] for r in runs if r["tags"]["dagster/partition"] == project_id
        ]

    # Every check of the graph was evaluated for every partition, by that partition's run.
    run_of = {r["tags"]["dagster/partition"]: r["runId"] for r in runs}
    checks = dev.asset_checks()
    assert SLO_CHECKS <= {c for names in checks.values() for c in names}
    for asset, names in checks.items():
        for check in names:
            for project_id in project_ids:
                executions = dev.check_executions(asset, check, partition=project_id)
                assert [e["runId"] for e in executions] == [run_of[project_id]], (asset, check, executions)
                (execution,) = executions
                assert execution["status"] in ("SUCCEEDED", "FAILED"), execution
                assert execution["evaluation"] is not None, execution
                if check in SLO_CHECKS - {"latency_slo"}:
                    assert execution["evaluation"]["success"] is True, (asset, check, project_id, execution)
    # Every project delivered its report.
    for project_id in project_ids:
        report = settings.home / "assets" / "delivery" / f"{project_id}.json"
        assert report.exists(), report


def test_runs_fork_from_the_warm_worker_and_terminate_as_canceled(dev, settings, instance):
    """Runs are children of the launcher's warm worker (named on the run, as the engine event says);
    terminating a started run interrupts that child, and the run ends CANCELED."""
    from dagster import DagsterEventType

    from grokorc_assets.cli.runner import submit_request
    from grokorc_assets.partitions import projects_partitions
    from grokorc_assets.run_launcher import run_worker_process
    from grokorc_assets.run_worker import WORKER_TAG

    dev.stop_request_sensor()
    tag = uuid.uuid4().hex[:6]
    kept, stopped = f"warm-{tag}-kept", f"warm-{tag}-stopped"
    for project_id, message in ((kept, SMALL_PROJECTS[1]), (stopped, SMALL_PROJECTS[2])):
        submit_request(settings, message, project_id)
    instance.add_dynamic_partitions(projects_partitions.name, [kept, stopped])
    launched = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "backfill", "-w", str(WORKSPACE), "-j", "build_project",
         "--partitions", f"{kept},{stopped}", "--noprompt"],
        env=dagster_env(dev.env), capture_output=True, text=True, timeout=600,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr

    def started_with_worker():
        runs = [r for r in dev.runs({"dagster/partition": stopped}) if r["status"] == "STARTED"]
        return runs if runs and WORKER_TAG in (instance.get_run_by_id(runs[0]["runId"]).tags) else None

    (victim,) = wait_until("the second project's run to start", started_with_worker, BUILD_TIMEOUT)
    worker = run_worker_process(instance.get_run_by_id(victim["runId"]).tags)
    assert worker is not None
    assert "grokorc_assets.run_worker" in " ".join(worker.parent().cmdline())
    dev.terminate([victim["runId"]])

    (done,) = dev.wait_for_runs({"dagster/partition": kept}, 1, BUILD_TIMEOUT)
    (ended,) = dev.wait_for_runs({"dagster/partition": stopped}, 1, BUILD_TIMEOUT)
    assert done["status"] == "SUCCESS", done
    assert ended["status"] == "CANCELED", ended
    assert not worker.is_running() or worker.status() == "zombie"
    # The finished run names the child it ran in, and the launcher said so in its event log.
    run = instance.get_run_by_id(done["runId"])
    pid = run.tags[WORKER_TAG].split("@")[0]
    events = instance.all_logs(done["runId"], of_type=DagsterEventType.ENGINE_EVENT)
    assert any(f"warm run worker (pid {pid})" in (e.message or "") for e in events), [e.message for e in events]
