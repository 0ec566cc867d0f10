"""Partition isolation: two projects in ONE backfill through the real daemon, on a priced model. One
overruns its budget and is blocked; the other is delivered. Neither run touches the other's partition."""

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from grokorc_assets.cli.runner import submit_request
from grokorc_assets.partitions import projects_partitions
from grokorc_tests.deployment_tests.devserver import WORKSPACE, DevServer, dagster_env
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.pipeline_tests.llm_scripts import PLAN, router

BUILD_TIMEOUT = 900
EXPENSIVE = "Orders dashboard, the overspending one"
CHEAP = "Orders dashboard, the frugal one"
# A backend whose own tests cover every line: the frugal project passes coverage_slo.
FULL_BACKEND = [
    {"path": "backend/app/__init__.py", "content": ""},
    {"path": "backend/app/main.py", "content": "def add(a, b):\n    return a + b\n"},
    {"path": "backend/tests/test_main.py",
     "content": "from app.main import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"},
]


def priced_router():
    base = router(backend_files=FULL_BACKEND)

    def route(body):
        text = body["messages"][-1]["content"] if isinstance(body, dict) else ""
        if "planning agent" in body["messages"][0]["content"] and "overspending" in text:
            return Behaviour.ok(json.dumps(PLAN), prompt_tokens=900, completion_tokens=250, cost=6.0)
        return base(body)

    return route


@pytest.fixture(scope="module")
def llm_server():
    with FakeOpenAIServer() as server:
        server.route(priced_router())
        yield server


@pytest.fixture(scope="module")
def priced_dev(cli_env, llm_server, tmp_path_factory):
    env = {**cli_env, "GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": llm_server.base_url,
           "GROKORC_LLM_API_KEY": "sk-backfill-test", "GROKORC_LLM_MODEL": "openai/gpt-4o-mini",
           "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0"}
    server = DevServer(env, tmp_path_factory.mktemp("grokorc-dev-priced") / "dev.log")
    stopped = None
    try:
        server.start()
        server.stop_request_sensor()  # the backfill, not the sensor, builds these requests
        yield server
    finally:
        stopped = server.stop()
    assert stopped is not None and stopped.killed == []


def test_one_backfill_one_blocked_one_delivered(priced_dev, settings, instance):
    tag = uuid.uuid4().hex[:6]
    expensive, cheap = f"iso-{tag}-expensive", f"iso-{tag}-cheap"
    submit_request(settings, EXPENSIVE, expensive)
    submit_request(settings, CHEAP, cheap)
    instance.add_dynamic_partitions(projects_partitions.name, [expensive, cheap])

    launched = subprocess.run(
        [sys.executable, "-m", "dagster", "job", "backfill", "-w", str(WORKSPACE), "-j", "build_project",
         "--partitions", f"{expensive},{cheap}", "--noprompt"],
        env=dagster_env(priced_dev.env), capture_output=True, text=True, timeout=600,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr
    backfill_id = re.search(r"Launched backfill job `([^`]+)`", launched.stdout).group(1)
    runs = priced_dev.wait_for_runs({"dagster/backfill": backfill_id}, 2, BUILD_TIMEOUT)
    status = {r["tags"]["dagster/partition"]: r["status"] for r in runs}
    assert status == {expensive: "FAILURE", cheap: "SUCCESS"}, runs

    cost = {p: priced_dev.check_executions("conflicts", "cost_slo", partition=p)[0]["evaluation"]["success"]
            for p in (expensive, cheap)}
    assert cost == {expensive: False, cheap: True}
    assert priced_dev.check_executions("coverage", "coverage_slo", partition=cheap)[0]["evaluation"]["success"]
    # Delivery exists for the cheap project only; the blocked one never reached it.
    assert Path(settings.home, "assets", "delivery", f"{cheap}.json").exists()
    assert not Path(settings.home, "assets", "delivery", f"{expensive}.json").exists()
