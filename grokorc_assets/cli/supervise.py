"""Running a long-lived child (``dagster dev``) so that stopping the parent stops the whole tree.

``dagster dev`` starts a webserver, a daemon, a code server, and the daemon launches runs: all of them
must stop when `grokorc dev` is stopped by SIGTERM (a service manager, ``docker stop``) or SIGINT (Ctrl-C),
within 10 s. The child gets its own session, so a terminal's Ctrl-C reaches only us and we decide the
order: SIGINT to ``dagster dev`` (its own graceful path, it stops its children), then SIGKILL to every
process of the tree still alive after the grace period. The tree is read when the signal arrives, so
run workers started since the launch are included.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence

import psutil

GRACE_SECONDS = 6.0  # SIGINT, then this long, then SIGKILL: under 10 s in all


def stop_tree(root: psutil.Process, grace: float = GRACE_SECONDS) -> list[int]:
    """Stop ``root`` and all its descendants; returns the pids that needed SIGKILL."""
    try:
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    try:
        root.send_signal(signal.SIGINT)
    except psutil.NoSuchProcess:
        pass
    _, alive = psutil.wait_procs(tree, timeout=grace)
    # Processes started during the grace period (a run launched just now) are in the tree too.
    alive = {p.pid: p for p in alive} | {p.pid: p for p in _descendants(alive)}
    for process in alive.values():
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(list(alive.values()), timeout=3)
    return sorted(alive)


def _descendants(processes: list[psutil.Process]) -> list[psutil.Process]:
    found = []
    for process in processes:
        try:
            found += process.children(recursive=True)
        except psutil.NoSuchProcess:
            continue
    return found


def run_supervised(cmd: Sequence[str], grace: float = GRACE_SECONDS) -> int:
    """Run ``cmd`` until it exits or we get SIGTERM/SIGINT; then stop its whole tree. Returns its exit
    code, or 128 + the signal number when we stopped it."""
    child = subprocess.Popen(list(cmd), start_new_session=True)
    root = psutil.Process(child.pid)
    received: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        if received:  # a second Ctrl-C while stopping: the stop is already under way
            return
        received.append(signum)
        stop_tree(root, grace)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 + received[0] if received else code
