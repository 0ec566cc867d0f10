"""The plain-Python fold: workflow outcomes, buckets, zero-initialised series, the cursor codec."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from grokorc_assets.metrics import CheckEvaluation, Materialization, MetricsState, RunEnd, render_metrics
from grokorc_assets.metrics.state import DURATION_BUCKETS, LAYOUT

JOB = "build_project"


def samples(state: MetricsState, **kw) -> dict[tuple[str, frozenset], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(render_metrics(state, **kw).decode())
        for s in family.samples
    }


def build(run_id: str, start_id: int, *, delivered: bool, error_failed: bool, warn_failed: bool = False,
          end: str = "success", job: str = JOB, t0: float = 1000.0, seconds: float = 10.0) -> list:
    events = [
        Materialization(start_id, run_id, job, t0 + 1, "plan", {"confidence": 0.9, "model": "m1",
                                                               "input_tokens": 7, "output_tokens": 3,
                                                               "cost_usd": 0.5}),
        CheckEvaluation(start_id + 1, run_id, job, t0 + 2, "confidence_slo", not warn_failed, "WARN"),
        CheckEvaluation(start_id + 2, run_id, job, t0 + 3, "cost_slo", not error_failed, "ERROR"),
    ]
    if delivered:
        events.append(Materialization(start_id + 3, run_id, job, t0 + 4, "delivery", {"status": "success"}))
    events.append(RunEnd(start_id + 4, run_id, job, t0 + seconds, end, started_at=t0))
    return events


def test_workflow_outcomes_follow_delivery_and_error_checks() -> None:
    state = MetricsState().fold(
        build("a", 1, delivered=True, error_failed=False, warn_failed=True)
        + build("b", 10, delivered=False, error_failed=True, end="failure")
        + build("c", 20, delivered=False, error_failed=False, end="failure")
        + build("d", 30, delivered=False, error_failed=False, end="canceled")  # not a completed workflow
        + build("e", 40, delivered=True, error_failed=False, job="__ephemeral_asset_job__")  # not a workflow
    )
    wf = "grokorc_workflows_completed_total"
    assert {s: state.value(wf, status=s) for s in ("success", "blocked", "failed")} == {
        "success": 1.0, "blocked": 1.0, "failed": 1.0}
    assert state.pending == {}  # every run ended, canceled included
    assert state.histograms["grokorc_workflow_duration_seconds"].count == 3
    # materialisations and checks count whatever job ran them
    assert state.value("grokorc_llm_tokens_used_total", model="m1", type="input") == 7.0 * 5
    assert state.value("grokorc_slo_check_evaluations_total", check="confidence_slo", severity="WARN",
                       passed="false") == 1.0
    assert state.cursor == 44


def test_duration_buckets_have_the_latency_slo_boundary() -> None:
    assert 720.0 in DURATION_BUCKETS
    state = MetricsState().fold(build("a", 1, delivered=True, error_failed=False, seconds=720.0)
                                + build("b", 10, delivered=True, error_failed=False, seconds=720.5))
    got = samples(state)
    bucket = "grokorc_workflow_duration_seconds_bucket"
    assert got[(bucket, frozenset({("le", "720.0")}))] == 1.0  # 720 s is inside le=720 (value <= le)
    assert got[(bucket, frozenset({("le", "900.0")}))] == 2.0
    assert got[("grokorc_workflow_duration_seconds_count", frozenset())] == 2.0
    assert got[("grokorc_workflow_duration_seconds_sum", frozenset())] == 1440.5


def test_every_known_series_starts_at_zero_without_a_project_label() -> None:
    got = samples(MetricsState(), models=("offline", "gpt-4o"))
    for status in ("success", "blocked", "failed"):
        assert got[("grokorc_workflows_completed_total", frozenset({("status", status)}))] == 0.0
    for check, severity in (("cost_slo", "ERROR"), ("coverage_slo", "ERROR"), ("latency_slo", "WARN"),
                            ("confidence_slo", "WARN"), ("visual_regression", "WARN"), ("accessibility", "ERROR")):
        for passed in ("true", "false"):
            key = frozenset({("check", check), ("severity", severity), ("passed", passed)})
            assert got[("grokorc_slo_check_evaluations_total", key)] == 0.0
    for model in ("offline", "gpt-4o"):
        assert got[("grokorc_llm_cost_usd_total", frozenset({("model", model)}))] == 0.0
        for kind in ("input", "output"):
            assert got[("grokorc_llm_tokens_used_total", frozenset({("model", model), ("type", kind)}))] == 0.0
    labels = {name for (_, lbls) in got for name, _ in lbls}
    assert labels == {"status", "check", "severity", "passed", "model", "type", "le"}


def test_events_already_folded_are_ignored() -> None:
    events = build("a", 1, delivered=True, error_failed=False)
    once = MetricsState().fold(events)
    twice = MetricsState().fold(events).fold(events)
    assert once.to_cursor() == twice.to_cursor()


def test_cursor_round_trip_and_rejection() -> None:
    state = MetricsState().fold(build("a", 1, delivered=True, error_failed=False)
                                + build("b", 10, delivered=False, error_failed=True)[:2])  # b still running
    cursor = state.to_cursor()
    restored = MetricsState.from_cursor(cursor)
    assert restored is not None and restored.to_cursor() == cursor
    assert set(restored.pending) == {"b"}
    assert render_metrics(restored) == render_metrics(state)
    data = json.loads(cursor)
    assert data["layout"] == LAYOUT
    for bad in (None, "", "42", "not json", json.dumps({**data, "layout": "other"}), json.dumps({**data, "v": 0}),
                json.dumps({**data, "histograms": {"grokorc_stack_confidence": [1, 2]}})):
        assert MetricsState.from_cursor(bad) is None
