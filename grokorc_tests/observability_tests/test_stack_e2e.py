"""End to end against real binaries on loopback ports: Pushgateway <- prometheus_client push,
Prometheus (real config and rules, 1s scrape/evaluation) -> every Grafana panel query, and
Prometheus -> Alertmanager (real alertmanager.yml) -> loopback webhook for a cost overrun."""

from __future__ import annotations

from pathlib import Path

import yaml

from .sample_metrics import GrokorcSampleMetrics, Workflow, typical_batch
from .stack import RULES_DIR, ObservabilityStack, WebhookSink, finite_values, wait_until
from .test_config_and_rules import dashboard_exprs

# Grafana substitutes $__rate_interval; Prometheus does not know it. Any window covering >= 2 scrapes works.
RATE_INTERVAL = "1m"


def completed_workflows(stack: ObservabilityStack) -> float:
    result = stack.query("sum(grokorc_workflows_completed_total)")
    return float(result[0]["value"][1]) if result else 0.0


def test_every_dashboard_panel_query_returns_data(observability_stack: ObservabilityStack) -> None:
    stack = observability_stack
    assert stack.query("grokorc_workflows_completed_total") == []  # nothing but what this test pushes

    metrics = GrokorcSampleMetrics()
    # two pushes with growth in between, so rate()/increase() over the panel windows have something to see
    for round_no, expected_total in ((0, 3.0), (1, 6.0)):
        for workflow in typical_batch(round_no):
            metrics.record(workflow)
        metrics.push(stack.pushgateway_address)
        wait_until(
            lambda t=expected_total: completed_workflows(stack) == t,
            30,
            f"Prometheus to scrape {expected_total} completed workflows",
        )

    # honor_labels kept the pushed job label
    assert {s["metric"]["job"] for s in stack.query("grokorc_llm_cost_usd_total")} == {"grokorc"}

    exprs = dashboard_exprs()
    assert len(exprs) >= 20
    for title, expr in exprs:
        query = expr.replace("$__rate_interval", RATE_INTERVAL)
        # bounded poll: recording-rule panels need one more rule evaluation after the second scrape
        result = stack.wait_for_query(query, timeout=30, predicate=lambda r: bool(finite_values(r)))
        assert result, f"panel {title!r}: {query} returned no data\n{stack.logs()}"
        assert finite_values(result), f"panel {title!r}: {query} returned only NaN/Inf: {result}"

    # a few values that follow from the pushed data, to prove the queries compute what the panels claim
    by_status = {
        s["metric"]["status"]: float(s["value"][1])
        for s in stack.query("sum by (status) (grokorc_workflows_completed_total)")
    }
    assert by_status == {"success": 5.0, "blocked": 1.0}
    outcomes = stack.query('sum by (check) (grokorc_slo_check_evaluations_total{passed="false"})')
    assert {s["metric"]["check"]: float(s["value"][1]) for s in outcomes} == {
        "confidence_slo": 2.0,
        "coverage_slo": 2.0,
        "acceptance": 2.0,  # the complex product's blocked rounds also failed their acceptance
    }
    budget = stack.query(
        '1 - ((sum by (check) (increase(grokorc_slo_check_evaluations_total{passed="false"}[30d])) '
        "or 0 * sum by (check) (increase(grokorc_slo_check_evaluations_total[30d]))) "
        "/ (sum by (check) (increase(grokorc_slo_check_evaluations_total[30d])) > 0)) / (1 - 0.99)"
    )
    remaining = {s["metric"]["check"]: float(s["value"][1]) for s in budget}
    assert remaining["cost_slo"] == 1.0 and remaining["latency_slo"] == 1.0
    assert remaining["confidence_slo"] < 0  # 1 of 3 new evaluations failed: budget blown


def cost_alert_test_rules() -> dict[str, str]:
    """The real rule files, except GrokorcCostOverrun gets `for: 0s` (instead of 1m) so the test does not
    wait a minute; its expression, labels and annotations are unchanged. All other alerts keep their
    `for` (>= 2m), so none of them can fire during the test."""
    files = {f.name: f.read_text() for f in RULES_DIR.glob("*.yml")}
    alerts = yaml.safe_load(files["grokorc_alerts.yml"])
    changed = 0
    for group in alerts["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == "GrokorcCostOverrun":
                rule["for"] = "0s"
                changed += 1
    assert changed == 1
    files["grokorc_alerts.yml"] = yaml.safe_dump(alerts, sort_keys=False)
    return files


def test_cost_overrun_reaches_the_critical_webhook(tmp_path: Path) -> None:
    with (
        WebhookSink() as sink,
        ObservabilityStack(
            tmp_path / "stack",
            rule_files=cost_alert_test_rules(),
            webhook_urls={"grokorc-critical": sink.url("/critical"), "grokorc-warning": sink.url("/warning")},
        ) as stack,
    ):
        metrics = GrokorcSampleMetrics()
        # A counter series must exist before it grows: increase() cannot see the first value of a series
        # that appears already non-zero, so the first build also used gpt-4o (cheaply).
        metrics.record(Workflow(llm={"gpt-4o": (1000, 400, 0.01)}))
        metrics.push(stack.pushgateway_address)
        wait_until(lambda: completed_workflows(stack) == 1.0, 30, "first push scraped")
        assert stack.firing_alerts() == []

        # one more workflow that spent $12 on gpt-4o: > $5 per completed workflow over 5 minutes
        metrics.record(Workflow(llm={"gpt-4o": (900_000, 300_000, 12.0)}))
        metrics.push(stack.pushgateway_address)
        wait_until(lambda: completed_workflows(stack) == 2.0, 30, "second push scraped")

        firing = wait_until(
            lambda: [a for a in stack.firing_alerts() if a["labels"]["alertname"] == "GrokorcCostOverrun"],
            30,
            "GrokorcCostOverrun firing in Prometheus",
        )
        assert firing[0]["labels"]["severity"] == "critical"

        try:
            posts = wait_until(lambda: sink.received("/critical"), 60, "a post to the critical webhook")
        except TimeoutError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from exc
        body = posts[0].body
        # Slack-compatible payload rendered from alertmanager.yml's templates
        attachment = body["attachments"][0]
        assert attachment["title"] == "[FIRING] GrokorcCostOverrun (critical)"
        assert "LLM spend per workflow is above $5" in attachment["text"]
        assert "observability/README.md#grokorccostoverrun" in attachment["text"]
        # routing: a critical alert goes to the critical receiver only
        assert sink.received("/warning") == []
