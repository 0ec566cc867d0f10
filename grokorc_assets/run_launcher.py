"""``WarmRunLauncher``: the local instance's run launcher (dagster.yaml), runs forked from a warm worker.

Dagster's ``DefaultRunLauncher`` asks the code server to start each run in a *spawned* interpreter,
which imports Dagster and the definitions again: about a third of the CPU a small project costs on two
cores. This launcher keeps one warm worker process per daemon (run_worker.py) and has it fork each run,
which then executes exactly as ``dagster api execute_run`` does. Production keeps Dagster's
``DockerRunLauncher`` (deploy/dagster.yaml): this is the local and `grokorc dev` instance only.

Everything Dagster's run monitoring and the UI expect from a launcher is here: the run's worker is
recorded on the run (tag ``grokorc/run_worker``: pid and start time), so any process on the machine can
terminate the run (SIGINT: Dagster's own interrupt path marks it canceled) and the monitoring daemon
can tell a dead worker from a live one and fail the run instead of leaving it started forever.

The worker is started ahead of the first launch (``prewarm``: the daemon asks for it as it starts
dequeuing, run_coordinator.py; a few seconds of imports and a warm-up build in memory), else on the first
launch, and again whenever it has exited or the code server was reloaded (new server id: new code to
import). A worker warmed before any code server was known is kept for the first launch only if the
package's files have not changed since it started.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import psutil
from dagster import _check as check
from dagster._core.launcher.base import CheckRunHealthResult, LaunchRunContext, RunLauncher, WorkerStatus
from dagster._grpc.types import ExecuteRunArgs
from dagster._serdes import ConfigurableClassData, serialize_value

from grokorc_assets.instance_plugins import Configless
from grokorc_assets.run_worker import WORKER_TAG

WORKER_MODULE = "grokorc_assets.run_worker"
READY_TIMEOUT_SECONDS = 120.0  # imports and the warm-up build on a busy machine
# A process's start time is its boot time plus its start in ticks, and Linux gives the boot time in whole
# seconds, recomputed from the wall clock: as the clock is slewed it can move by a second between two
# readings, and an exact comparison then took a live run for a dead one (the monitoring daemon failed
# it). A pid reused within this margin of the original's start is not a risk.
START_TIME_TOLERANCE_S = 2.0
PACKAGE_DIR = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def code_fingerprint(root: Path = PACKAGE_DIR) -> float:
    """The newest modification time of the package's files (code, data, templates): what a worker
    imported is still current while this has not changed."""
    newest = 0.0
    for path in root.rglob("*"):
        if "__pycache__" not in path.parts and path.is_file():
            newest = max(newest, path.stat().st_mtime)
    return newest


class RunWorkerError(RuntimeError):
    """The warm worker could not be started or did not answer."""


class WarmWorker:
    """One ``python -m grokorc_assets.run_worker`` process and its two pipes."""

    def __init__(self, executable: str, code_server_id: str | None, fingerprint: float | None = None):
        self.executable = executable
        self.code_server_id = code_server_id
        self.fingerprint = fingerprint  # code_fingerprint() when warmed ahead of any launch
        self.process = subprocess.Popen(
            [executable, "-m", WORKER_MODULE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        ready = self._reply(READY_TIMEOUT_SECONDS)
        if "ready" not in ready:
            raise RunWorkerError(f"the run worker answered {ready!r} instead of ready")

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, serialized_args: str) -> int:
        stdin = check.not_none(self.process.stdin)
        stdin.write(json.dumps({"execute_run_args": serialized_args}).encode() + b"\n")
        stdin.flush()
        return int(self._reply(30.0)["pid"])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()  # the worker ends at end of input; its runs go on
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _reply(self, timeout: float) -> dict[str, Any]:
        stdout: IO[bytes] = check.not_none(self.process.stdout)
        line = _readline(stdout, timeout)
        if not line:
            code = self.process.wait(timeout=5) if self.process.poll() is None else self.process.returncode
            raise RunWorkerError(f"the run worker exited (code {code}); its error is in the daemon's log")
        return json.loads(line)


def _readline(stream: IO[bytes], timeout: float) -> bytes:
    """A line, or b"" at end of file; RunWorkerError when none comes in time (a hung worker)."""
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        raise RunWorkerError(f"the run worker did not answer within {timeout:.0f} s")
    return result[0]


def run_worker_process(tags: Mapping[str, str]) -> psutil.Process | None:
    """The live process a run's tag names, or None (no tag, gone, a zombie, or a reused pid)."""
    value = tags.get(WORKER_TAG, "")
    pid, _, started = value.partition("@")
    try:
        started_at = float(started)
    except ValueError:
        return None
    if not pid.isdigit():
        return None
    try:
        process = psutil.Process(int(pid))
        if abs(process.create_time() - started_at) > START_TIME_TOLERANCE_S:
            return None
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
    except psutil.Error:
        return None
    return process


class WarmRunLauncher(RunLauncher, Configless):
    """Launches each run in a child forked from a warm worker; see the module docstring."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = inst_data
        self._worker: WarmWorker | None = None
        self._lock = threading.Lock()
        self._run_ids: set[str] = set()
        super().__init__()

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        origin = check.not_none(context.job_code_origin, "a run launched locally has a code origin")
        args = ExecuteRunArgs(job_origin=origin, run_id=run.run_id, instance_ref=self._instance.get_ref())
        server_id = _code_server_id(context)
        with self._lock:
            worker = self._current_worker(origin.executable_path, server_id)
            pid = worker.fork(serialize_value(args))
        self._run_ids.add(run.run_id)
        self._instance.report_engine_event(
            f"Run forked from the warm run worker (pid {pid}).", run, cls=self.__class__
        )

    def prewarm(self) -> threading.Thread:
        """Start the warm worker now, in the background, unless one is running: the first launch then
        finds it ready (or waits for it on the lock instead of starting a second one). Returns the
        thread doing it."""
        thread = threading.Thread(target=self._start_ahead, name="grokorc-run-worker-prewarm", daemon=True)
        thread.start()
        return thread

    def _start_ahead(self) -> None:
        with self._lock:
            if self._worker is not None:
                return
            try:
                self._worker = WarmWorker(sys.executable, None, fingerprint=code_fingerprint())
            except (OSError, RunWorkerError) as error:  # the first launch starts one and reports it
                log.warning("could not warm the run worker up ahead of the first run: %s", error)

    def _current_worker(self, executable: str, server_id: str | None) -> WarmWorker:
        worker = self._worker
        if worker is not None and worker.fingerprint is not None:
            # Warmed before any code server was known: it serves this one if it runs the same
            # interpreter on unchanged code; otherwise a new one is started below.
            if worker.executable == executable and worker.fingerprint == code_fingerprint():
                worker.code_server_id, worker.fingerprint = server_id, None
            else:
                worker.close()
                worker = self._worker = None
        if worker is not None and (not worker.alive() or worker.code_server_id != server_id):
            worker.close()  # exited, or the code was reloaded: the next runs need the new code
            worker = None
        if worker is None:
            worker = self._worker = WarmWorker(executable, server_id)
        return worker

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if not run or run.is_finished:
            return False
        self._instance.report_run_canceling(run)
        process = run_worker_process(run.tags)
        if process is None:
            self._instance.report_engine_event(
                "No live run worker to interrupt.", run, cls=self.__class__
            )
            return False
        process.send_signal(signal.SIGINT)  # Dagster's interrupt path ends the run as canceled
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run) -> CheckRunHealthResult:
        if WORKER_TAG not in run.tags:
            return CheckRunHealthResult(WorkerStatus.NOT_FOUND, msg="the run names no run worker")
        if run_worker_process(run.tags) is None:
            return CheckRunHealthResult(WorkerStatus.FAILED, msg="the run's worker process is gone")
        return CheckRunHealthResult(WorkerStatus.RUNNING)

    def join(self, timeout: int = 30) -> None:
        """Wait until the runs launched here have finished (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = [self._instance.get_run_by_id(run_id) for run_id in self._run_ids]
            if all(run is None or run.is_finished for run in runs):
                return
            time.sleep(0.1)
        raise TimeoutError(f"runs still going after {timeout} s: {sorted(self._run_ids)}")

    def dispose(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


def _code_server_id(context: LaunchRunContext) -> str | None:
    """The id of the code server the run's location is served by: it changes when the code reloads."""
    if context.workspace is None:
        return None
    origin = check.not_none(context.dagster_run.remote_job_origin)
    location_name = origin.repository_origin.code_location_origin.location_name
    try:
        location = context.workspace.get_code_location(location_name)
    except Exception:  # noqa: BLE001 - no location: the worker is kept as is
        return None
    return getattr(location, "server_id", None)


