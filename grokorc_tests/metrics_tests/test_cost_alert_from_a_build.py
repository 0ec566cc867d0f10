"""End to end: a real build on a priced model overruns its budget; the metrics sensor pushes what the
event log says; Prometheus scrapes and evaluates the cost rule; Alertmanager posts to the webhook."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

from grokorc_assets.sensors.slo_metrics_sensor import evaluate
from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer
from grokorc_tests.observability_tests.stack import ObservabilityStack, WebhookSink, wait_until
from grokorc_tests.observability_tests.test_stack_e2e import completed_workflows, cost_alert_test_rules
from grokorc_tests.pipeline_tests.llm_scripts import router

MODEL = "openai/gpt-4o-mini"


def test_an_over_budget_build_pages_through_alertmanager(tmp_path: Path, cli_env, instance) -> None:
    with (
        WebhookSink() as sink,
        ObservabilityStack(
            tmp_path / "stack", rule_files=cost_alert_test_rules(),
            webhook_urls={"grokorc-critical": sink.url("/critical"), "grokorc-warning": sink.url("/warning")},
        ) as stack,
    ):
        # The instance's history so far, with the priced model's series present at their current values.
        first = evaluate(instance, None, stack.pushgateway_address, models=["offline", MODEL])
        assert first.pushed, first.message
        before = wait_until(lambda: completed_workflows(stack) or None, 60, "the first push scraped")
        assert not [a for a in stack.firing_alerts() if a["labels"]["alertname"] == "GrokorcCostOverrun"]

        with FakeOpenAIServer() as server:
            server.route(router(plan_cost=6.0))
            env = {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": server.base_url,
                   "GROKORC_LLM_API_KEY": "sk-alert-test", "GROKORC_LLM_MODEL": MODEL,
                   "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0"}
            proc = subprocess.run(
                [sys.executable, "-m", "grokorc_assets.cli", "build", "Orders dashboard", "--project-id",
                 f"alert-{uuid.uuid4().hex[:6]}", "--json"], env=env, capture_output=True, text=True, timeout=900,
            )
        assert proc.returncode == 3, proc.stderr[-2000:]
        assert json.loads(proc.stdout)["blocked_by"] == ["cost_slo"]

        second = evaluate(instance, first.cursor, stack.pushgateway_address, models=["offline", MODEL])
        assert second.pushed and second.folded > 0
        wait_until(lambda: completed_workflows(stack) > before, 60, "the over-budget build scraped")
        firing = wait_until(
            lambda: [a for a in stack.firing_alerts() if a["labels"]["alertname"] == "GrokorcCostOverrun"],
            60, "GrokorcCostOverrun firing",
        )
        assert firing[0]["labels"]["severity"] == "critical"
        posts = wait_until(lambda: sink.received("/critical"), 90, "a post to the critical webhook")
        assert "GrokorcCostOverrun" in posts[0].body["attachments"][0]["title"]
