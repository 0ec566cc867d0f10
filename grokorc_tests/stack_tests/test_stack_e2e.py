"""The production stack, for real: `scripts/stack.sh up` under a real Docker engine, requests submitted
from the host's `grokorc`, each built in its own run container by the DockerRunLauncher, metrics through
the sensor to Prometheus, the cost alert to a webhook receiver on the compose network, and faults
injected with `docker kill` / `docker restart`.

The module starts one stack on free loopback ports and deletes it (volumes included) at the end. It
refuses to run beside another grokorc stack: the compose project and volume names are fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grokorc_tests.polling import wait_for
from grokorc_tests.stack_tests.peers import LLM_PORT, WEBHOOK_PORT
from grokorc_tests.stack_tests.stack import (
    HOME_VOLUME,
    NETWORK,
    PEERS,
    REPO_ROOT,
    USER_CODE_IMAGE,
    Stack,
    container_of,
    docker,
    inspect,
    port_env,
    project_containers,
    run_containers,
    stack_sh,
    up_on_free_ports,
)

pytestmark = [pytest.mark.stack, pytest.mark.timeout(3600)]

BOOKSHOP = "An online bookshop with search and checkout"
# The model the over-budget build is priced on. The stack's sensor exports a series per configured
# model, so it is configured (the provider stays offline for the stack's own builds).
PRICED_MODEL = "openai/gpt-4o-mini"
BUILD_TIMEOUT = 600


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    # The engine first: on a fresh machine nothing has started dockerd before this module.
    engine = stack_sh("engine")
    assert engine.returncode == 0, engine.stderr[-2000:]
    leftovers = project_containers()
    assert not leftovers, f"another grokorc stack is on this engine ({leftovers}): the stack tests need it alone"
    env = port_env() | {
        "GROKORC_STACK_GRAFANA": "no",
        "GROKORC_ALERT_CRITICAL_WEBHOOK_URL": f"http://{PEERS}:{WEBHOOK_PORT}/critical",
        "GROKORC_ALERT_WARNING_WEBHOOK_URL": f"http://{PEERS}:{WEBHOOK_PORT}/warning",
        "GROKORC_LLM_MODEL": PRICED_MODEL,
    }
    try:
        env, up = up_on_free_ports(env)
        assert up.returncode == 0, up.stderr[-4000:]
        yield Stack(env)
    finally:
        docker("rm", "-f", PEERS, check=False)
        down = stack_sh("down", "--purge", env=env)
        assert down.returncode == 0, down.stderr[-2000:]
        assert project_containers() == []


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GROKORC_HOME of the host's `grokorc`: nothing is kept there, the state is the stack's."""
    return tmp_path_factory.mktemp("host-home")


def submit(stack: Stack, home: Path, project_id: str, message: str = BOOKSHOP) -> None:
    done = stack.grokorc("submit", message, "--project-id", project_id, home=home)
    assert done.returncode == 0, done.stderr[-2000:]


def delivered(stack: Stack, home: Path, project_id: str) -> dict[str, Any]:
    try:
        result = wait_for(lambda: stack.result(project_id, home), f"a result for {project_id}", BUILD_TIMEOUT,
                          interval=2.0)
    except AssertionError as timed_out:
        # Say where the build stopped: each run's status and steps, so a failure is readable from CI's log.
        runs = [(r["runId"], r["status"], sorted(stack.succeeded_steps(r["runId"])), stack.failure_messages(r["runId"]))
                for r in stack.runs(project_id)]
        raise AssertionError(f"{timed_out}; runs: {runs}") from None
    assert result["status"] == "success", (result["status"], result.get("blocked_by"))
    return result


def started_run(stack: Stack, project_id: str, after_step: str) -> str:
    """The id of the project's run once it is executing and ``after_step`` has succeeded."""
    def running() -> str | None:
        for run in stack.runs(project_id):
            if run["status"] == "STARTED" and after_step in stack.succeeded_steps(run["runId"]):
                return run["runId"]
        return None

    return wait_for(running, f"{project_id}'s run past {after_step}", BUILD_TIMEOUT, interval=0.5)


def test_a_submitted_request_is_built_in_its_own_run_container_and_delivered(stack: Stack, home: Path) -> None:
    submit(stack, home, "stack-shop")
    result = delivered(stack, home, "stack-shop")
    assert "book" in result["plan"]["entities"], result["plan"]["entities"]
    assert result["coverage"]["tests_passed"] > 0
    # The generated code ran in the sandbox's user namespace, not in the worker's environment.
    assert result["coverage"]["sandbox_mode"] == "bwrap-userns", result["coverage"]

    (run,) = stack.runs("stack-shop")
    assert run["status"] == "SUCCESS" and run["tags"]["grokorc/revision"] == "1"
    (container,) = run_containers(run["runId"])
    assert inspect(container, "{{.Config.Image}}") == USER_CODE_IMAGE
    assert inspect(container, "{{.Config.User}}") == "grokorc"  # not root
    assert inspect(container, "{{json .NetworkSettings.Networks}}").startswith(f'{{"{NETWORK}"')

    # The artefacts live on the shared volume, not in the run container: remove it and read them back.
    docker("rm", "-f", container)
    listed = docker("run", "--rm", "-v", f"{HOME_VOLUME}:/var/lib/grokorc", USER_CODE_IMAGE,
                    "find", "/var/lib/grokorc/projects/stack-shop/1/project", "-maxdepth", "1").stdout.split()
    assert {"backend", "frontend"} <= {Path(p).name for p in listed}, listed


def test_build_metrics_reach_prometheus_through_the_sensor(stack: Stack) -> None:
    def successes() -> float | None:
        series = stack.prometheus('grokorc_workflows_completed_total{status="success"}')
        value = sum(float(s["value"][1]) for s in series)
        return value if value >= 1 else None

    assert wait_for(successes, "a successful workflow in Prometheus", 180, interval=2.0) >= 1


def test_the_webserver_restarted_keeps_the_history(stack: Stack) -> None:
    before = {r["runId"]: r["status"] for r in stack.runs("stack-shop")}
    assert before
    docker("restart", container_of("webserver"))
    stack.wait_healthy("webserver")
    assert {r["runId"]: r["status"] for r in stack.runs("stack-shop")} == before


def test_a_killed_run_container_is_failed_by_monitoring_and_a_retry_delivers(stack: Stack, home: Path) -> None:
    submit(stack, home, "stack-kill")
    killed = started_run(stack, "stack-kill", after_step="plan")
    docker("kill", *run_containers(killed))

    def retried() -> dict[str, Any] | None:
        runs = {r["runId"]: r for r in stack.runs("stack-kill")}
        children = [r for r in runs.values() if r["tags"].get("dagster/parent_run_id") == killed]
        return children[0] if runs[killed]["status"] == "FAILURE" and children else None

    retry = wait_for(retried, "the killed run failed by monitoring and retried", 300, interval=2.0)
    assert retry["tags"]["grokorc/revision"] == "1"
    delivered(stack, home, "stack-kill")


def test_postgres_restarted_mid_run_loses_no_request_or_result(stack: Stack, home: Path) -> None:
    before = stack.result("stack-shop", home)
    submit(stack, home, "stack-pg")
    started_run(stack, "stack-pg", after_step="plan")
    docker("restart", container_of("postgres"))
    stack.wait_healthy("postgres")

    result = delivered(stack, home, "stack-pg")
    assert result["revision"] == 1
    assert stack.result("stack-shop", home) == before


def test_an_over_budget_build_fires_the_cost_alert_to_a_webhook_on_the_network(stack: Stack) -> None:
    docker("run", "-d", "--name", PEERS, "--network", NETWORK,
           "-v", f"{REPO_ROOT / 'grokorc_tests'}:/opt/tests/grokorc_tests:ro", "-e", "PYTHONPATH=/opt/tests",
           USER_CODE_IMAGE, "python", "-m", "grokorc_tests.stack_tests.peers")
    wait_for(lambda: '"ready"' in docker("logs", PEERS).stdout, "the test peers", 60, interval=0.5)

    build = stack.compose(
        "run", "--rm", "--no-deps",
        "-e", "GROKORC_LLM_PROVIDER=openai", "-e", f"GROKORC_LLM_BASE_URL=http://{PEERS}:{LLM_PORT}/v1",
        "-e", "GROKORC_LLM_API_KEY=sk-stack-test", "-e", f"GROKORC_LLM_MODEL={PRICED_MODEL}",
        "-e", "GROKORC_LLM_BACKOFF_BASE_SECONDS=0",
        "user_code", "grokorc", "build", "Orders dashboard", "--project-id", "stack-alert", "--json",
    )
    assert build.returncode == 3, build.stderr[-3000:]
    assert json.loads(build.stdout[build.stdout.index("{"):])["blocked_by"] == ["cost_slo"]

    def cost_page() -> list[dict[str, Any]]:
        posts = [json.loads(line) for line in docker("logs", PEERS).stdout.splitlines() if line.startswith('{"path"')]
        return [p for p in posts if p["path"] == "/critical"
                and "GrokorcCostOverrun" in p["body"]["attachments"][0]["title"]]

    (page, *_) = wait_for(cost_page, "GrokorcCostOverrun posted to the critical webhook", 300, interval=2.0)
    assert "FIRING" in page["body"]["attachments"][0]["title"]
