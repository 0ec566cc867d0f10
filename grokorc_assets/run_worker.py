"""The warm run worker: imports Dagster and the definitions once, then forks one child per run.

``WarmRunLauncher`` (run_launcher.py) starts this module as ``python -m grokorc_assets.run_worker`` and
talks to it over its stdin and stdout, one JSON line each way per run:

    -> {"execute_run_args": "<ExecuteRunArgs, serialised>"}
    <- {"pid": 1234}

Each child executes its run exactly as ``dagster api execute_run`` does (the command Dagster's Docker
and Kubernetes launchers start), but from a process that has already imported Dagster and the
definitions and parsed the package's data files and templates. Started fresh, a run worker spent about
2.3 s of CPU importing (more when both cores are busy) and another ~1 s reading data files and
compiling templates, a third of the CPU a small project costs: the reason `grokorc dev` could not build
more than a few projects a minute on two cores.

Why a fork is safe here: this process is single-threaded and holds no connection, socket or file of its
own when it forks (warming up only imports modules and reads package files); every child opens its own
Dagster instance. The worker exits when its stdin closes (the launcher's process, the daemon, is gone);
runs in flight then finish on their own or are stopped with the rest of the tree (`grokorc dev`).
"""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

# The child records where it runs on its run before the run starts: the launcher's health check and
# termination read it (a tag, so the webserver and the daemon find it too).
WORKER_TAG = "grokorc/run_worker"
STOP_GRACE_SECONDS = 3.0  # within `grokorc dev`'s 6 s before it kills what is left
WARM_REQUEST = "A sales dashboard with charts of orders by region, a CSV export and a login page"


def worker_tag_value(pid: int, create_time: float) -> str:
    """pid plus the process's start time, so a reused pid is never mistaken for the run's worker."""
    return f"{pid}@{create_time:.2f}"


def warm_up() -> None:
    """Import what every run imports and fill the per-process caches a run would fill."""
    import dagster._cli.api  # noqa: F401 - execute_run's body and its imports
    import dagster._core.execution.api  # noqa: F401

    import grokorc_assets.forkserver_preload  # noqa: F401 - Dagster instance, storage, the definitions
    from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui
    from grokorc_assets.planning.inference import infer_plan

    plan = infer_plan(WARM_REQUEST)  # catalogue, lexicons, archetype model, entity and acceptance data
    with tempfile.TemporaryDirectory(prefix="grokorc-warm-") as tmp:
        workspace = Path(tmp)
        backend = generate_backend(plan, workspace)  # the template environments, compiled
        generate_frontend(plan, workspace)
        generate_devops(plan, workspace)
        infer_ui(plan, workspace, backend)


def execute_run(serialized_args: str) -> int:
    """The body of ``dagster api execute_run``, after tagging the run with this process."""
    import psutil
    from dagster import DagsterInstance
    from dagster._cli.api import _execute_run_command_body
    from dagster._grpc.types import ExecuteRunArgs
    from dagster._serdes import deserialize_value
    from dagster._utils.interrupts import capture_interrupts

    args = deserialize_value(serialized_args, ExecuteRunArgs)
    me = psutil.Process()
    with capture_interrupts(), DagsterInstance.from_ref(args.instance_ref) as instance:
        instance.add_run_tags(args.run_id, {WORKER_TAG: worker_tag_value(me.pid, me.create_time())})
        return _execute_run_command_body(
            args.run_id, instance, lambda _event: None,
            set_exit_code_on_failure=bool(args.set_exit_code_on_failure),
        )


def _child(serialized_args: str) -> None:
    """In the forked child: detach from the protocol pipes, run, leave without the parent's atexit."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the sandbox waits for its own children
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the parent ignores it; a run must not
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the parent's stdout is the launcher's pipe: never write into it
        random.seed()  # the parent's generator state would otherwise repeat in every child
        code = execute_run(serialized_args)
    except BaseException:  # noqa: BLE001 - a child must never fall back into the parent's loop
        traceback.print_exc()
    finally:
        from grokorc_assets import telemetry

        telemetry.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _reap(_signum: int, _frame: object) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(requests, replies, run_child: Callable[[str], None] = _child) -> list[int]:
    """Fork a child for each request line until ``requests`` ends; returns the children's pids.
    ``run_child`` runs in the child and must not return."""
    children = []
    while line := requests.readline():
        payload = json.loads(line)["execute_run_args"]
        pid = os.fork()
        if pid == 0:
            run_child(payload)
        children.append(pid)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")
        replies.flush()
    return children


def interrupt_runs(children: list[int], grace: float = STOP_GRACE_SECONDS) -> None:
    """The daemon is gone (`grokorc dev` stopping): interrupt the runs still going, as Dagster's own
    termination does, and give them ``grace`` seconds to record how they ended."""
    import psutil

    live = []
    for pid in children:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                process.send_signal(signal.SIGINT)
                live.append(process)
        except psutil.Error:
            continue
    psutil.wait_procs(live, timeout=grace)


def main() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the daemon decides when we stop (stdin
    # closes), and a run's own child decides how it handles its interrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()
    # Everything imported and cached so far lives as long as the worker: out of the collector's sight,
    # a child's collections neither walk nor write to those pages, which stay shared with the worker
    # instead of being copied into every run (copy-on-write).
    gc.collect()
    gc.freeze()
    if threading.active_count() != 1:  # a thread started by an import would not survive a fork
        raise RuntimeError(f"the run worker must be single-threaded to fork: {threading.enumerate()}")
    out = sys.stdout.buffer
    out.write(json.dumps({"ready": os.getpid()}).encode() + b"\n")
    out.flush()
    signal.signal(signal.SIGCHLD, _reap)  # children are reaped as they end
    interrupt_runs(serve(sys.stdin.buffer, out))


if __name__ == "__main__":
    main()
