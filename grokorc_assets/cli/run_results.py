"""What a run (and its re-executions) produced, read back from the Dagster event log.

Used by `delivery` to write the report, and by the CLI for runs that did not deliver (blocked or
failed), so every build ends with a final result in the same shape.
"""

from __future__ import annotations

import json
import time

from dagster import DagsterEventType, DagsterInstance, RunsFilter

from grokorc_assets.cli.report import CheckOutcome, Status, build_status, final_result
from grokorc_assets.contract import GRAPH_ORDER, AssetName
from grokorc_assets.settings import Settings
from grokorc_assets.storage.asset_files import read_value

_STEP_EVENTS = {
    DagsterEventType.STEP_START: "running", DagsterEventType.STEP_SUCCESS: "done",
    DagsterEventType.STEP_FAILURE: "failed", DagsterEventType.STEP_SKIPPED: "skipped",
}


def run_group(instance: DagsterInstance, run_id: str) -> list[str]:
    """The run and the runs it re-executes or was re-executed from, oldest first."""
    run = instance.get_run_by_id(run_id)
    root = run.tags.get("dagster/root_run_id", run_id) if run else run_id
    group = instance.get_runs(filters=RunsFilter(tags={"dagster/root_run_id": root}))
    ids = [root] + [r.run_id for r in sorted(group, key=lambda r: r.run_id) if r.run_id != root]
    return ids if run_id in ids else [*ids, run_id]


def check_outcomes(instance: DagsterInstance, run_ids: list[str]) -> dict[str, CheckOutcome]:
    outcomes: dict[str, CheckOutcome] = {}
    for run_id in run_ids:  # later runs overwrite earlier verdicts of the same check
        records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
        for record in records:
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            outcomes[evaluation.check_name] = CheckOutcome(
                name=evaluation.check_name, passed=evaluation.passed, severity=evaluation.severity.value,
                metadata={k: _plain(v) for k, v in evaluation.metadata.items()},
            )
    return outcomes


def step_summary(instance: DagsterInstance, run_ids: list[str]) -> dict[str, dict]:
    steps: dict[str, dict] = {}
    started: dict[str, float] = {}
    for run_id in run_ids:
        for record in instance.get_records_for_run(run_id).records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None or event.step_key is None or event.event_type not in _STEP_EVENTS:
                continue
            status = _STEP_EVENTS[event.event_type]
            step = steps.setdefault(event.step_key, {"status": status, "seconds": None})
            step["status"] = status
            if status == "running":
                started[event.step_key] = entry.timestamp
            elif event.step_key in started:
                step["seconds"] = round(entry.timestamp - started[event.step_key], 3)
            if status == "failed":
                step["error"] = _first_line(event)
    return {str(name): steps[name] for name in GRAPH_ORDER if name in steps}  # in graph order


def asset_values(
    settings: Settings, project_id: str, revision: int, materialized: list[str]
) -> dict[str, dict | None]:
    """Values written by the JSON IO manager for this revision, only for assets this run group materialised."""
    base = settings.home / "assets"
    return {str(name): read_value(base, name, project_id, revision) if name in materialized else None
            for name in GRAPH_ORDER}


def run_duration(instance: DagsterInstance, run_ids: list[str]) -> float:
    first = instance.get_run_record_by_id(run_ids[0])
    start = first.start_time or first.create_timestamp.timestamp()
    last = instance.get_run_record_by_id(run_ids[-1])
    end = last.end_time or time.time()
    return max(0.0, end - start)


def compose_result(
    instance: DagsterInstance, settings: Settings, run_id: str, project_id: str, revision: int,
    *, delivering: bool = False, status: Status | None = None,
) -> dict:
    ids = run_group(instance, run_id)
    steps = step_summary(instance, ids)
    if delivering:
        steps[str(AssetName.DELIVERY)] = {"status": "done", "seconds": None}
    checks = check_outcomes(instance, ids)
    materialized = [name for name, step in steps.items() if step["status"] == "done"]
    slo = settings.slo
    return final_result(
        status=status or build_status(checks, delivered=steps.get(AssetName.DELIVERY, {}).get("status") == "done"),
        project_id=project_id, revision=revision,
        values=asset_values(settings, project_id, revision, materialized), checks=checks,
        thresholds={"cost": slo.cost_usd, "latency": slo.latency_seconds, "coverage": slo.coverage_percent,
                    "confidence": slo.confidence},
        run_id=run_id, duration_seconds=run_duration(instance, ids), assets=steps,
    )


def _first_line(event) -> str:
    """The failure's message, first line only: enough to act on, short enough for a table."""
    error = getattr(event.event_specific_data, "error", None)
    message = (error.message if error is not None else "") or "step failed"
    return message.strip().splitlines()[0][:300] if message.strip() else "step failed"


def _plain(value):
    raw = getattr(value, "value", value)
    try:
        json.dumps(raw)
        return raw
    except TypeError:
        return str(raw)
