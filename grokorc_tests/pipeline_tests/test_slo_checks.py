"""Each SLO check passes and fails on purpose, with the exit codes of docs/design.md "Command line"."""

import json
import subprocess
import sys
import uuid

from dagster import AssetKey

from grokorc_assets.cli.runner import build_request, final_result_for, submit_request
from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer
from grokorc_tests.pipeline_tests.llm_scripts import router

GROKORC = [sys.executable, "-m", "grokorc_assets.cli"]


def build_cli(env, message, project_id, timeout=600):
    proc = subprocess.run([*GROKORC, "build", message, "--project-id", project_id, "--json"],
                          env=env, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout.strip() else None), proc.stderr


def openai_env(cli_env, server):
    return {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": server.base_url,
            "GROKORC_LLM_API_KEY": "sk-pipeline-secret", "GROKORC_LLM_MODEL": "openai/gpt-4o-mini",
            "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0"}


def delivered_in(instance, run_id) -> bool:
    event = instance.get_latest_materialization_event(AssetKey("delivery"))
    return event is not None and event.run_id == run_id


def test_a_vague_request_warns_on_confidence_and_still_delivers(settings, instance):
    request = submit_request(settings, "Build something useful", f"vague-{uuid.uuid4().hex[:6]}")
    outcome = build_request(settings, request)
    result = final_result_for(settings, outcome)
    assert result["status"] == "success"
    assert result["slos"]["confidence"]["breach"] is True
    assert result["checks"]["confidence_slo"] == {"passed": False, "severity": "WARN"}
    assert "confidence_slo" in result["warnings"] and result["blocked_by"] == []
    assert delivered_in(instance, outcome.run_id)


def test_a_slow_build_warns_on_latency_and_exits_0(cli_env):
    env = {**cli_env, "GROKORC_SLO_LATENCY_SECONDS": "1"}
    code, result, stderr = build_cli(env, "Inventory tracker for a bike shop", f"slow-{uuid.uuid4().hex[:6]}")
    assert code == 0, stderr[-2000:]
    assert result["slos"]["latency"]["breach"] is True and result["slos"]["latency"]["threshold_seconds"] == 1
    assert result["checks"]["latency_slo"] == {"passed": False, "severity": "WARN"}


def test_a_priced_model_over_budget_blocks_delivery_and_exits_3(cli_env, instance):
    with FakeOpenAIServer() as server:
        server.route(router(plan_cost=6.0))
        env = openai_env(cli_env, server)
        code, result, stderr = build_cli(env, "Orders dashboard", f"cost-{uuid.uuid4().hex[:6]}")
    assert code == 3, stderr[-2000:]
    assert result["status"] == "blocked" and result["blocked_by"] == ["cost_slo"]
    assert result["slos"]["cost"]["estimated_cost"] >= 6.0 and result["slos"]["cost"]["breach"] is True
    # Degraded mode: the projected cost was over 80 % of the budget, so no browser ran.
    assert result["visual_tests"]["degraded"] is True
    assert result["execution"]["assets"].get("coverage", {}).get("status") != "done"
    assert not delivered_in(instance, result["execution"]["run_id"])
    assert "sk-pipeline-secret" not in json.dumps(result) + stderr


def test_a_low_coverage_module_blocks_delivery_and_exits_3(cli_env, instance):
    with FakeOpenAIServer() as server:
        server.route(router())
        code, result, stderr = build_cli(openai_env(cli_env, server), "Orders dashboard", f"cov-{uuid.uuid4().hex[:6]}")
    assert code == 3, stderr[-2000:]
    assert result["status"] == "blocked" and result["blocked_by"] == ["coverage_slo"]
    assert result["slos"]["coverage"]["value"] < 95.0 and result["slos"]["coverage"]["breach"] is True
    # The scripted model's own test plus one per acceptance criterion: the request is met, coverage is not.
    assert result["coverage"]["tests_passed"] == 1 + len(result["plan"]["acceptance"])
    assert result["acceptance"]["passed"] == result["acceptance"]["total"]
    assert result["slos"]["cost"]["breach"] is False and result["slos"]["cost"]["estimated_cost"] > 0
    assert not delivered_in(instance, result["execution"]["run_id"])
