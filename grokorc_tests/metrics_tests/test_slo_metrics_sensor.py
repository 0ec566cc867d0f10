"""`slo_metrics_sensor` end to end: real build_project runs on the session's Postgres-backed Dagster instance,
ticks through Dagster's sensor context, a real Pushgateway + Prometheus (observability/prometheus.yml and rules).

The instance is shared with other tests, so each test first takes a baseline tick (the state of everything
before it) and asserts what its own runs added on top; equality with the Pushgateway / Prometheus is absolute.
"""

from __future__ import annotations

import pytest
from dagster import SensorResult, SkipReason, build_sensor_context
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.utils import floatToGoString

from grokorc_assets.metrics import MetricsState, render_metrics
from grokorc_assets.sensors.slo_metrics_sensor import PUSHGATEWAY_ENV, evaluate, slo_metrics_sensor
from grokorc_tests.observability_tests.stack import ObservabilityStack, finite_values, wait_until
from grokorc_tests.observability_tests.test_config_and_rules import dashboard_exprs

from .pipeline import Scenario, defs, run_build, run_bulk

Samples = dict[tuple[str, frozenset], float]
IGNORED_LABELS = {"job", "instance"}


# ---------------------------------------------------------------------------------------------- helpers
def tick(instance, cursor: str | None) -> tuple[SensorResult | SkipReason, str | None]:
    """One sensor evaluation; returns its result and the cursor Dagster would store afterwards."""
    context = build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    result = slo_metrics_sensor(context)
    if isinstance(result, SensorResult) and result.cursor is not None:
        return result, result.cursor
    return result, cursor


def pushed_tick(instance, cursor: str | None) -> tuple[str, MetricsState]:
    result, new_cursor = tick(instance, cursor)
    assert isinstance(result, SensorResult), result
    assert "pushed metrics" in result.skip_reason.skip_message, result.skip_reason
    state = MetricsState.from_cursor(new_cursor)
    assert state is not None and not state.rebuilding
    return new_cursor, state


def labelset(labels: dict[str, str]) -> frozenset:
    """Labels without job/instance; ``le`` normalised (the Pushgateway writes 1.0 as "1")."""
    return frozenset(
        (k, floatToGoString(float(v)) if k == "le" else v) for k, v in labels.items() if k not in IGNORED_LABELS
    )


def parse(text: str) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.startswith("grokorc_"):
                out[(s.name, labelset(s.labels))] = s.value
    return out


def rendered(state: MetricsState) -> Samples:
    return parse(render_metrics(state).decode())


def pushgateway_samples(stack: ObservabilityStack) -> Samples:
    import httpx

    return parse(httpx.get(f"{stack.pushgateway_url}/metrics", timeout=10).text)


def prometheus_samples(stack: ObservabilityStack) -> Samples:
    result = stack.query('{job="grokorc", __name__=~"grokorc_.+"}')
    return {
        (r["metric"]["__name__"], labelset({k: v for k, v in r["metric"].items() if k != "__name__"})):
            float(r["value"][1])
        for r in result
    }


def wait_for_prometheus(stack: ObservabilityStack, expected: Samples) -> None:
    """Bounded poll until Prometheus's latest scrape holds exactly ``expected``."""

    def same() -> bool:
        got = prometheus_samples(stack)
        return got.keys() == expected.keys() and all(got[k] == pytest.approx(v) for k, v in expected.items())

    try:
        wait_until(same, 30, "Prometheus to scrape the pushed state")
    except TimeoutError as exc:
        got = prometheus_samples(stack)
        diff = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != pytest.approx(v)}
        raise AssertionError(f"{exc}: differing series {diff}\n{stack.logs()}") from exc


def delta(after: MetricsState, before: MetricsState) -> Samples:
    a, b = rendered(after), rendered(before)
    return {k: a[k] - b.get(k, 0.0) for k in a if a[k] != b.get(k, 0.0)}


def key(name: str, **labels: str) -> tuple[str, frozenset]:
    return name, labelset(labels)


def counter_deltas(d: Samples) -> Samples:
    return {k: v for k, v in d.items() if k[0].endswith("_total")}


def check(name: str, severity: str, passed: bool) -> tuple[str, frozenset]:
    return key("grokorc_slo_check_evaluations_total", check=name, severity=severity, passed=str(passed).lower())


# Four builds: a clean one, one blocked by cost_slo (ERROR), one whose coverage step crashes, one whose
# confidence_slo (WARN) fails but still delivers.
FOUR_BUILDS = [
    Scenario(confidence=0.95),
    Scenario(confidence=0.9, cost_passes=False),
    Scenario(confidence=0.9, fail_asset="coverage"),
    Scenario(confidence=0.5, confidence_passes=False),
]
FOUR_BUILDS_COUNTERS: Samples = {
    key("grokorc_workflows_completed_total", status="success"): 2,
    key("grokorc_workflows_completed_total", status="blocked"): 1,
    key("grokorc_workflows_completed_total", status="failed"): 1,
    check("confidence_slo", "WARN", True): 3,
    check("confidence_slo", "WARN", False): 1,
    check("visual_regression", "WARN", True): 4,
    check("accessibility", "ERROR", True): 4,
    check("cost_slo", "ERROR", True): 3,
    check("cost_slo", "ERROR", False): 1,
    check("coverage_slo", "ERROR", True): 2,  # the blocked and the crashed build never reach coverage
    check("acceptance", "ERROR", True): 2,
    check("latency_slo", "WARN", True): 2,
    # 6 LLM assets (plan, frontend, backend, devops, ui, conflicts) materialise in each of the 4 runs
    key("grokorc_llm_tokens_used_total", model="gpt-4o-mini", type="input"): 24 * 100,
    key("grokorc_llm_tokens_used_total", model="gpt-4o-mini", type="output"): 24 * 40,
    key("grokorc_llm_cost_usd_total", model="gpt-4o-mini"): 24 * 0.0125,
    key("grokorc_ui_components_generated_total"): 4 * 5,
    key("grokorc_visual_tests_total"): 4 * 5,
    key("grokorc_visual_tests_passed_total"): 4 * 3,
    key("grokorc_visual_tests_failed_total"): 4 * 1,
    key("grokorc_conflicts_detected_total"): 4 * 2,
    key("grokorc_conflicts_resolved_total"): 4 * 1,
}


def assert_four_builds(d: Samples) -> None:
    counters = counter_deltas(d)
    assert counters.keys() == FOUR_BUILDS_COUNTERS.keys(), sorted(set(counters) ^ set(FOUR_BUILDS_COUNTERS))
    for k, v in FOUR_BUILDS_COUNTERS.items():
        assert counters[k] == pytest.approx(v), k
    assert d[key("grokorc_stack_confidence_count")] == 4
    assert d[key("grokorc_stack_confidence_sum")] == pytest.approx(0.95 + 0.9 + 0.9 + 0.5)
    assert d[key("grokorc_stack_confidence_bucket", le="0.8")] == 1
    assert d[key("grokorc_visual_diff_score_count")] == 4 * 4
    assert d[key("grokorc_visual_diff_score_bucket", le="0.0")] == 4
    assert d[key("grokorc_visual_diff_score_sum")] == pytest.approx(4 * (0.002 + 0.03 + 0.2))
    assert d[key("grokorc_conflict_similarity_count")] == 4 * 2
    assert d[key("grokorc_conflict_similarity_sum")] == pytest.approx(4 * (0.82 + 0.93))
    assert d[key("grokorc_coverage_percent_count")] == 2
    assert d[key("grokorc_coverage_percent_bucket", le="97.5")] == 2
    assert d[key("grokorc_workflow_duration_seconds_count")] == 4
    assert d[key("grokorc_workflow_duration_seconds_sum")] > 0


@pytest.fixture
def pushgateway_env(observability_stack: ObservabilityStack, monkeypatch: pytest.MonkeyPatch) -> ObservabilityStack:
    # The stack runs the Pushgateway in memory only (no persistence file): restarting it empties it.
    gateway = pushgateway_process(observability_stack)
    gateway.stop()
    gateway.start()
    assert pushgateway_samples(observability_stack) == {}
    monkeypatch.setenv(PUSHGATEWAY_ENV, observability_stack.pushgateway_url)
    return observability_stack


def pushgateway_process(stack: ObservabilityStack):
    return next(p for p in stack.processes if p.name == "pushgateway")


# ------------------------------------------------------------------------------------------------ tests
def test_unset_pushgateway_url_skips_saying_so(instance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PUSHGATEWAY_ENV, raising=False)
    result, cursor = tick(instance, None)
    assert isinstance(result, SkipReason)
    assert "GROKORC_PUSHGATEWAY_URL is not set" in result.skip_message
    assert cursor is None


def test_tick_pushes_cumulative_values_and_repeats_change_nothing(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    cursor0, before = pushed_tick(instance, None)  # baseline: whatever the session's instance already holds
    for scenario in FOUR_BUILDS:
        run_build(instance, scenario)

    cursor1, after = pushed_tick(instance, cursor0)
    assert_four_builds(delta(after, before))
    expected = rendered(after)
    assert pushgateway_samples(stack) == expected  # the Pushgateway holds exactly the full state
    wait_for_prometheus(stack, expected)

    # no new events: same state, same cursor, same pushed values
    cursor2, again = pushed_tick(instance, cursor1)
    assert cursor2 == cursor1
    assert pushgateway_samples(stack) == expected

    # a retried tick (Dagster did not store cursor1): re-folds from the old cursor, counts nothing twice
    cursor_retry, retried = pushed_tick(instance, cursor0)
    assert cursor_retry == cursor1
    assert pushgateway_samples(stack) == expected
    wait_for_prometheus(stack, expected)


def test_pushgateway_down_soft_fails_and_loses_nothing(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    cursor0, before = pushed_tick(instance, None)
    gateway = pushgateway_process(stack)
    gateway.stop()
    for scenario in FOUR_BUILDS:
        run_build(instance, scenario)

    result, cursor = tick(instance, cursor0)  # must not raise
    assert isinstance(result, SkipReason), result
    assert "could not push to the Pushgateway" in result.skip_message
    assert cursor == cursor0  # nothing advanced: the events are folded again next time

    gateway.start()
    cursor1, after = pushed_tick(instance, cursor)
    assert_four_builds(delta(after, before))  # every event arrived, none twice
    expected = rendered(after)
    assert pushgateway_samples(stack) == expected
    wait_for_prometheus(stack, expected)


def test_restarted_empty_pushgateway_is_refilled(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    run_build(instance, Scenario())
    cursor, state = pushed_tick(instance, None)
    expected = rendered(state)
    assert pushgateway_samples(stack) == expected

    gateway = pushgateway_process(stack)
    gateway.stop()
    gateway.start()
    assert pushgateway_samples(stack) == {}  # restarted empty

    cursor_next, state_next = pushed_tick(instance, cursor)  # no new events
    assert cursor_next == cursor
    assert pushgateway_samples(stack) == expected
    wait_for_prometheus(stack, expected)


def test_lost_or_unreadable_cursor_rebuilds_identically(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    cursor0, _ = pushed_tick(instance, None)
    run_build(instance, Scenario(cost_passes=False))
    run_build(instance, Scenario())
    incremental, state = pushed_tick(instance, cursor0)

    for lost in (None, "", "{not json", incremental.replace('"layout":"', '"layout":"old-')):
        rebuilt, rebuilt_state = pushed_tick(instance, lost)
        assert rebuilt == incremental  # same state, same position, byte for byte
        assert pushgateway_samples(stack) == rendered(state)


def test_small_batches_and_budget_give_the_same_state(instance, pushgateway_env) -> None:
    """A tick out of time budget stops early: a rebuild pushes nothing until it has caught up (its values
    would be lower than what was pushed before), an ordinary catch-up pushes its monotonic partial state."""
    stack = pushgateway_env
    run_build(instance, Scenario())
    run_build(instance, Scenario(cost_passes=False))
    full = evaluate(instance, None, stack.pushgateway_url)  # one tick, whole history
    assert full.pushed and full.cursor is not None
    sentinel = rendered(full.state)

    cursor, ticks = None, 0
    while True:  # rebuild in slices of 7 events per type and query, one slice per tick
        outcome = evaluate(instance, cursor, stack.pushgateway_url, budget_seconds=0, batch_limit=7)
        ticks += 1
        assert ticks < 10_000
        if outcome.pushed:
            break
        assert outcome.state.rebuilding and "rebuilding" in outcome.message
        assert pushgateway_samples(stack) == sentinel  # nothing lower was pushed meanwhile
        cursor = outcome.cursor
    assert ticks > 1
    assert outcome.cursor == full.cursor

    run_build(instance, Scenario(confidence=0.7))
    caught_up = evaluate(instance, full.cursor, stack.pushgateway_url)
    partial = evaluate(instance, full.cursor, stack.pushgateway_url, budget_seconds=0, batch_limit=3)
    assert partial.pushed and not partial.complete and "more events remain" in partial.message
    assert full.state.cursor < partial.state.cursor < caught_up.state.cursor
    for k, v in rendered(partial.state).items():  # monotonic: between the old and the new state
        assert sentinel[k] <= v <= rendered(caught_up.state)[k], k
    cursor, ticks = partial.cursor, 0
    while not (outcome := evaluate(instance, cursor, stack.pushgateway_url, budget_seconds=0, batch_limit=3)).complete:
        cursor, ticks = outcome.cursor, ticks + 1
        assert outcome.pushed and ticks < 10_000
    assert outcome.cursor == caught_up.cursor


def test_a_thousand_new_events_in_one_tick(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    cursor0, before = pushed_tick(instance, None)
    run_bulk(instance, count=800, checks=200)  # + its RUN_SUCCESS: 1,001 new events

    result, cursor1 = tick(instance, cursor0)
    assert isinstance(result, SensorResult)
    assert "1001 new events" in result.skip_reason.skip_message, result.skip_reason
    after = MetricsState.from_cursor(cursor1)
    d = delta(after, before)
    per_kind = 800 // 5  # plan, conflicts, visual_test, coverage, ui in turn
    assert counter_deltas(d) == pytest.approx({
        check("confidence_slo", "WARN", True): 150,
        check("confidence_slo", "WARN", False): 50,
        key("grokorc_llm_tokens_used_total", model="bulk-model", type="input"): 3 * per_kind * 10,
        key("grokorc_llm_tokens_used_total", model="bulk-model", type="output"): 3 * per_kind * 4,
        key("grokorc_llm_cost_usd_total", model="bulk-model"): 3 * per_kind * 0.001,
        key("grokorc_conflicts_detected_total"): per_kind,
        key("grokorc_conflicts_resolved_total"): per_kind,
        key("grokorc_visual_tests_total"): 2 * per_kind,
        key("grokorc_visual_tests_passed_total"): 2 * per_kind,
        key("grokorc_ui_components_generated_total"): 3 * per_kind,
    })
    assert d[key("grokorc_stack_confidence_count")] == per_kind
    assert d[key("grokorc_conflict_similarity_count")] == per_kind
    assert d[key("grokorc_visual_diff_score_count")] == 2 * per_kind
    assert d[key("grokorc_coverage_percent_count")] == per_kind
    assert key("grokorc_workflow_duration_seconds_count") not in d  # not a build_project run
    assert pushgateway_samples(stack) == rendered(after)


def test_every_dashboard_panel_query_returns_data_from_the_sensor(instance, pushgateway_env) -> None:
    stack = pushgateway_env
    cursor, state = pushed_tick(instance, None)
    wait_for_prometheus(stack, rendered(state))
    # two rounds of builds with a scrape in between, so rate()/increase() see every series grow
    for scenario in (Scenario(confidence=0.85), Scenario(confidence=0.6, confidence_passes=False, cost_passes=False)):
        run_build(instance, scenario)
        cursor, state = pushed_tick(instance, cursor)
        wait_for_prometheus(stack, rendered(state))

    exprs = dashboard_exprs()
    assert len(exprs) >= 20
    for title, expr in exprs:
        query = expr.replace("$__rate_interval", "1m")
        try:
            result = stack.wait_for_query(query, timeout=30, predicate=lambda r: bool(finite_values(r)))
        except TimeoutError as exc:
            raise AssertionError(f"panel {title!r}: {query} returned no finite data\n{stack.logs()}") from exc
        assert finite_values(result)
