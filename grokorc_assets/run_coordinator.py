"""``WarmingQueuedRunCoordinator``: the local instance's run coordinator (dagster.yaml).

Dagster's ``QueuedRunCoordinator`` unchanged, except that the process that dequeues runs (the daemon of
`grokorc dev`) has its run launcher start the warm run worker (run_launcher.py) as soon as it starts
dequeuing, instead of at the first launch: the first project submitted after `grokorc dev` starts then
waits for nothing but its own run (measured: the first run started 9.4 s after its request, 6 s of it
waiting for the worker to import Dagster and the definitions).

How the dequeuing process is told apart: Dagster's daemon calls ``get_run_queue_config`` on every
iteration from the thread it runs its queued-run daemon in (named ``dagster-daemon-QUEUED_RUN_COORDINATOR``);
the webserver and the CLI call it too (the UI's queue page), and must not start a worker they would never
use.
"""

from __future__ import annotations

import threading

from dagster import QueuedRunCoordinator
from dagster._core.run_coordinator.queued_run_coordinator import RunQueueConfig

DEQUEUE_THREAD = "dagster-daemon-QUEUED_RUN_COORDINATOR"


class WarmingQueuedRunCoordinator(QueuedRunCoordinator):
    """``QueuedRunCoordinator`` that warms the run launcher up in the daemon; see the module docstring."""

    _warming_asked = False

    def get_run_queue_config(self) -> RunQueueConfig:
        if not self._warming_asked and threading.current_thread().name == DEQUEUE_THREAD:
            self._warming_asked = True
            prewarm = getattr(self._instance.run_launcher, "prewarm", None)
            if prewarm is not None:  # another launcher (production's DockerRunLauncher) has nothing to warm
                prewarm()
        return super().get_run_queue_config()
