"""Live per-step progress of a run, read from the event log while the run executes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from dagster import DagsterEventType, DagsterInstance, RunsFilter

from grokorc_assets.contract import Tag

log = logging.getLogger(__name__)

_STATUS_BY_EVENT = {
    DagsterEventType.STEP_START: "running",
    DagsterEventType.STEP_SUCCESS: "done",
    DagsterEventType.STEP_FAILURE: "failed",
    DagsterEventType.STEP_SKIPPED: "skipped",
    DagsterEventType.STEP_UP_FOR_RETRY: "retrying",
}


@dataclass
class StepProgress:
    status: str = "waiting"  # waiting | running | done | failed | skipped | retrying
    seconds: float | None = None


class RunWatcher:
    """Polls the run's events in a background thread and reports step states to a callback."""

    def __init__(self, instance: DagsterInstance, build_token: str, callback: Callable | None, interval=0.2):
        self._instance = instance
        self._filter = RunsFilter(tags={Tag.BUILD: build_token})
        self._callback = callback
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.steps: dict = {}
        self._started: dict[str, float] = {}
        self._cursor: str | None = None
        self._run_id: str | None = None

    def __enter__(self) -> RunWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._safe_poll()  # final state, after the run has finished writing

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._safe_poll()

    def _safe_poll(self) -> None:
        # Progress is a display: a database hiccup (a restarted Postgres) must not kill the build,
        # the next poll catches up from the same cursor.
        try:
            self._poll()
        except Exception as exc:  # noqa: BLE001
            log.warning("progress poll failed, retrying: %s", type(exc).__name__)

    def _poll(self) -> None:
        if self._run_id is None:
            runs = self._instance.get_run_records(filters=self._filter, limit=1)
            if not runs:
                return
            self._run_id = runs[0].dagster_run.run_id
        conn = self._instance.get_records_for_run(self._run_id, cursor=self._cursor)
        changed = False
        for record in conn.records:
            changed |= self._apply(record.event_log_entry)
        self._cursor = conn.cursor or self._cursor
        if changed and self._callback:
            self._callback(self._run_id, dict(self.steps))

    def _apply(self, entry) -> bool:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return False
        status = _STATUS_BY_EVENT.get(event.event_type)
        if status is None:
            return False
        step = self.steps.setdefault(event.step_key, StepProgress())
        step.status = status
        if status == "running":
            self._started[event.step_key] = entry.timestamp
        elif event.step_key in self._started:
            step.seconds = entry.timestamp - self._started[event.step_key]
        return True
