"""`slo_metrics_sensor`: folds the event log into grokorc's Prometheus metrics and pushes them.

Each tick reads, by storage id, the ASSET_MATERIALIZATION, ASSET_CHECK_EVALUATION and run-end (RUN_SUCCESS,
RUN_FAILURE, RUN_CANCELED) events after its cursor, folds them into the cumulative
:class:`~grokorc_assets.metrics.MetricsState` and PUTs the *whole* state to the Pushgateway at
``GROKORC_PUSHGATEWAY_URL`` (job "grokorc").

State and cursor are one value: the sensor's Dagster cursor is the serialised state, which records the storage
id of the last folded event. The tick returns the new cursor only after a successful push, so:
- a failed push (Pushgateway down) keeps the old cursor: nothing is lost, the next tick folds the same events
  again, from the same old state;
- a tick retried with an old cursor recomputes the same values (pushes are of absolute values, never deltas):
  nothing is counted twice;
- a lost, reset or unreadable cursor (or a changed metric layout) rebuilds the state from the start of the
  event log; the rebuilt values are only pushed once they have caught up (so counters never go down);
- an empty, restarted Pushgateway is refilled by the next tick, which always pushes.
"""
# No `from __future__ import annotations`: Dagster inspects the sensor function's annotations.

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DefaultSensorStatus,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.events.log import EventLogEntry

from grokorc_assets.metrics import CheckEvaluation, Materialization, MetricEvent, MetricsState, RunEnd, push_metrics

PUSHGATEWAY_ENV = "GROKORC_PUSHGATEWAY_URL"
MODEL_ENV = "GROKORC_LLM_MODEL"
EVENT_TYPES = (
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_CHECK_EVALUATION,
    DagsterEventType.RUN_SUCCESS,
    DagsterEventType.RUN_FAILURE,
    DagsterEventType.RUN_CANCELED,
)
RUN_OUTCOMES = {
    DagsterEventType.RUN_SUCCESS: "success",
    DagsterEventType.RUN_FAILURE: "failure",
    DagsterEventType.RUN_CANCELED: "canceled",
}
BATCH_LIMIT = 2000  # events per type per query
TICK_BUDGET_SECONDS = 20.0  # stop reading after this; the next tick continues (sensor timeout is 60 s)
PUSH_TIMEOUT_SECONDS = 5.0


# ------------------------------------------------------------------------------------------- reading
def _metadata(entries: Mapping[str, Any]) -> dict[str, Any]:
    return {key: getattr(value, "value", value) for key, value in entries.items()}


def to_metric_event(storage_id: int, entry: EventLogEntry, started: Mapping[str, float]) -> MetricEvent | None:
    """A Dagster event-log entry as a plain metric event (None for anything the metrics ignore)."""
    event = entry.dagster_event
    if event is None:
        return None
    common = {"storage_id": storage_id, "run_id": entry.run_id, "job_name": entry.job_name,
              "timestamp": entry.timestamp}
    if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
        materialization = entry.asset_materialization
        if materialization is None:
            return None
        return Materialization(**common, asset=materialization.asset_key.path[-1],
                               metadata=_metadata(materialization.metadata))
    if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = entry.asset_check_evaluation
        if evaluation is None:
            return None
        return CheckEvaluation(**common, check=evaluation.check_name, passed=bool(evaluation.passed),
                               severity=evaluation.severity.value)
    if event.event_type in RUN_OUTCOMES:
        return RunEnd(**common, outcome=RUN_OUTCOMES[event.event_type], started_at=started.get(entry.run_id))
    return None


@dataclass
class Batch:
    events: list[MetricEvent]
    last_id: int  # storage id the cursor may advance to
    complete: bool  # nothing relevant after last_id (at the time of reading)


def read_batch(instance: DagsterInstance, after: int, limit: int = BATCH_LIMIT) -> Batch:
    """The relevant events after storage id ``after``, in storage-id order, one query per event type.

    When a type fills its page there may be more of it, so the batch stops at the smallest last id of the
    full pages: everything up to there is complete for every type (a consistent prefix of the log).
    """
    storage = instance.event_log_storage
    pages = {
        t: storage.get_logs_for_all_runs_by_log_id(after_cursor=after, dagster_event_type={t}, limit=limit)
        for t in EVENT_TYPES
    }
    full = [max(page) for page in pages.values() if len(page) >= limit]
    stop = min(full) if full else None
    entries = sorted(
        (storage_id, entry)
        for page in pages.values()
        for storage_id, entry in page.items()
        if stop is None or storage_id <= stop
    )
    ended = [entry.run_id for _, entry in entries if entry.dagster_event_type in RUN_OUTCOMES]
    started = run_start_times(instance, ended)
    events = [e for sid, entry in entries if (e := to_metric_event(sid, entry, started)) is not None]
    last = stop if stop is not None else max((sid for sid, _ in entries), default=after)
    return Batch(events, max(last, after), stop is None)


def run_start_times(instance: DagsterInstance, run_ids: Sequence[str]) -> dict[str, float]:
    """Run start (the run record's start time, else its creation time), for the runs that ended."""
    if not run_ids:
        return {}
    records = instance.get_run_records(filters=RunsFilter(run_ids=list(set(run_ids))))
    return {
        r.dagster_run.run_id: r.start_time if r.start_time is not None else r.create_timestamp.timestamp()
        for r in records
    }


# ---------------------------------------------------------------------------------------------- tick
@dataclass
class TickOutcome:
    state: MetricsState
    pushed: bool
    folded: int  # events folded this tick
    message: str
    cursor: str | None  # the cursor to store, None = keep the old one
    complete: bool = True  # the fold reached the end of the event log (else the time budget ran out)


def known_models() -> tuple[str, ...]:
    model = os.environ.get(MODEL_ENV)
    return ("offline", model) if model and model != "offline" else ("offline",)


def evaluate(
    instance: DagsterInstance,
    cursor: str | None,
    gateway: str,
    *,
    budget_seconds: float = TICK_BUDGET_SECONDS,
    batch_limit: int = BATCH_LIMIT,
    models: Iterable[str] | None = None,
) -> TickOutcome:
    """One tick, without Dagster's sensor machinery (the benchmark calls this directly)."""
    state = MetricsState.from_cursor(cursor)
    rebuilt = state is None
    if state is None:
        state = MetricsState(rebuilding=True)
    deadline = time.monotonic() + budget_seconds
    folded, complete = 0, False
    while True:
        batch = read_batch(instance, state.cursor, batch_limit)
        state.fold(batch.events)
        state.cursor = batch.last_id
        folded += len(batch.events)
        complete = batch.complete
        if complete or time.monotonic() >= deadline:
            break
    if complete:
        state.rebuilding = False
    note = " (rebuilt from the start of the event log)" if rebuilt and complete else ""
    if state.rebuilding:
        return TickOutcome(state, False, folded, f"rebuilding the metrics state from the event log: folded "
                           f"{folded} events up to storage id {state.cursor}; push after catching up",
                           state.to_cursor(), complete)
    try:
        push_metrics(gateway, state, models or known_models(), timeout=PUSH_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 -- any push failure: keep the old cursor, retry next tick
        message = (f"could not push to the Pushgateway at {gateway} ({type(exc).__name__}: {exc}); "
                   f"{folded} new events are kept for the next tick")
        return TickOutcome(state, False, folded, message, None, complete)
    more = "" if complete else " (more events remain; the next tick continues)"
    return TickOutcome(state, True, folded, f"pushed metrics up to storage id {state.cursor}: {folded} new "
                       f"events{note}{more}", state.to_cursor(), complete)


@sensor(
    name="slo_metrics_sensor",
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Folds check evaluations, materialisations and run ends into grokorc's Prometheus metrics "
    "and pushes them to GROKORC_PUSHGATEWAY_URL.",
)
def slo_metrics_sensor(context: SensorEvaluationContext):
    gateway = os.environ.get(PUSHGATEWAY_ENV)
    if not gateway:
        return SkipReason(f"{PUSHGATEWAY_ENV} is not set: no metrics are pushed")
    try:
        outcome = evaluate(context.instance, context.cursor, gateway)
    except NotImplementedError:
        return SkipReason("this Dagster instance's event log cannot be read across runs by storage id "
                          "(run-sharded SQLite); use Postgres storage")
    if outcome.cursor is None:
        context.log.warning(outcome.message)
        return SkipReason(outcome.message)
    context.log.info(outcome.message)
    return SensorResult(cursor=outcome.cursor, skip_reason=SkipReason(outcome.message))
