"""The event-log facts the metrics fold consumes, as plain values (no Dagster types).

The sensor turns Dagster ``EventLogEntry`` objects into these; tests and tools can build them directly.
Every event carries the event log's storage id, so a fold knows how far it got.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grokorc_assets.contract import JOB_NAME

# The job whose runs are workflows (grokorc_assets.jobs.build_project_job).
WORKFLOW_JOB = JOB_NAME


@dataclass(frozen=True)
class Materialization:
    """An ASSET_MATERIALIZATION: ``asset`` is the last component of the asset key."""

    storage_id: int
    run_id: str
    job_name: str | None
    timestamp: float
    asset: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckEvaluation:
    """An ASSET_CHECK_EVALUATION; ``severity`` is ``"ERROR"`` or ``"WARN"``."""

    storage_id: int
    run_id: str
    job_name: str | None
    timestamp: float
    check: str
    passed: bool
    severity: str


@dataclass(frozen=True)
class RunEnd:
    """A run's end event. ``outcome``: ``"success"`` (RUN_SUCCESS), ``"failure"`` (RUN_FAILURE) or
    ``"canceled"`` (RUN_CANCELED, not a completed workflow). ``started_at`` is the run record's start time
    when known (else the fold falls back to the run's first event it saw)."""

    storage_id: int
    run_id: str
    job_name: str | None
    timestamp: float
    outcome: str
    started_at: float | None = None


MetricEvent = Materialization | CheckEvaluation | RunEnd
