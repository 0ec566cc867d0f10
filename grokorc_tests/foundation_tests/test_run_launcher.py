"""The warm run launcher's bookkeeping: which process a run's tag names, and what the run monitoring
daemon is told about it. (Launching, terminating and stopping runs through it under `grokorc dev`:
deployment_tests/test_dev_server.py and test_dev_server_stop.py.)"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import psutil
import pytest
from dagster import DagsterRun
from dagster._core.launcher.base import WorkerStatus

from grokorc_assets.run_launcher import WarmRunLauncher, run_worker_process
from grokorc_assets.run_worker import WORKER_TAG, serve, worker_tag_value


@pytest.fixture
def sleeper():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield psutil.Process(process.pid)
    process.kill()
    process.wait()


def tag_of(process: psutil.Process) -> dict[str, str]:
    return {WORKER_TAG: worker_tag_value(process.pid, process.create_time())}


def run_tagged(tags: dict[str, str]) -> DagsterRun:
    return DagsterRun(job_name="build_project", run_id="r-" + str(len(tags)), tags=tags)


def test_the_tag_finds_the_live_process_it_names(sleeper):
    assert run_worker_process(tag_of(sleeper)).pid == sleeper.pid


def test_a_start_time_read_a_second_apart_still_names_the_process(sleeper):
    # Boot time comes in whole seconds from a clock that is slewed: two readings may differ by one.
    started = sleeper.create_time()
    for shift in (-1.0, 1.0):
        assert run_worker_process({WORKER_TAG: worker_tag_value(sleeper.pid, started + shift)}).pid == sleeper.pid


def test_a_reused_pid_or_a_missing_tag_names_no_process(sleeper):
    started = sleeper.create_time()
    assert run_worker_process({WORKER_TAG: worker_tag_value(sleeper.pid, started - 5)}) is None
    assert run_worker_process({WORKER_TAG: "not-a-pid"}) is None
    assert run_worker_process({}) is None


def test_health_check_tells_live_dead_and_unnamed_workers_apart(sleeper):
    launcher = WarmRunLauncher()
    tags = tag_of(sleeper)
    assert launcher.check_run_worker_health(run_tagged(tags)).status == WorkerStatus.RUNNING
    sleeper.kill()
    sleeper.wait(10)
    assert launcher.check_run_worker_health(run_tagged(tags)).status == WorkerStatus.FAILED
    assert launcher.check_run_worker_health(run_tagged({})).status == WorkerStatus.NOT_FOUND


def test_serve_answers_each_request_with_the_forked_childs_pid():
    # Each child only reports itself: what a run does is the deployment tests' business; here, the
    # protocol, and that every request gets a child of its own.
    read_end, write_end = os.pipe()

    def report(payload: str) -> None:
        os.write(write_end, f"{os.getpid()} {payload}\n".encode())
        os._exit(0)

    requests = io.BytesIO(b"".join(json.dumps({"execute_run_args": f"run-{i}"}).encode() + b"\n" for i in range(3)))
    replies = io.BytesIO()
    children = serve(requests, replies, run_child=report)
    for pid in children:
        assert os.waitpid(pid, 0)[1] == 0
    os.close(write_end)
    with os.fdopen(read_end) as reports:
        seen = dict(line.split() for line in reports.read().splitlines())
    answered = [json.loads(line)["pid"] for line in replies.getvalue().splitlines()]
    assert answered == children and len(set(children)) == 3
    assert seen == {str(pid): f"run-{i}" for i, pid in enumerate(children)}


@pytest.fixture
def launcher():
    launcher = WarmRunLauncher()
    yield launcher
    launcher.dispose()


def prewarmed(launcher: WarmRunLauncher):
    launcher.prewarm().join(120)
    assert launcher._worker is not None and launcher._worker.alive()
    return launcher._worker


def test_a_worker_warmed_ahead_serves_the_first_launch(launcher):
    worker = prewarmed(launcher)
    assert launcher._current_worker(sys.executable, "server-1") is worker
    assert worker.code_server_id == "server-1"
    # From then on it is an ordinary worker: a reloaded code server gets a new one.
    replaced = launcher._current_worker(sys.executable, "server-2")
    assert replaced is not worker and not worker.alive()


def test_a_worker_warmed_on_code_that_changed_since_is_replaced(launcher):
    worker = prewarmed(launcher)
    worker.fingerprint -= 1.0  # as if a package file had been saved after the worker imported it
    fresh = launcher._current_worker(sys.executable, "server-1")
    assert fresh is not worker and fresh.alive() and not worker.alive()
    assert fresh.process.pid != worker.process.pid


def test_prewarm_leaves_a_running_worker_alone(launcher):
    worker = prewarmed(launcher)
    assert prewarmed(launcher) is worker
