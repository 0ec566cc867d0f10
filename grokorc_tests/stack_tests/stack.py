"""Driving the production stack (scripts/stack.sh, docker-compose.yml) from tests and benchmarks.

Everything goes through what a user has: ``scripts/stack.sh``, the ``docker`` command line, the host's
``grokorc`` against the stack's Postgres, the Dagster webserver's GraphQL API and Prometheus' HTTP API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from grokorc_tests.polling import wait_for
from grokorc_tests.ports import free_ports

REPO_ROOT = Path(__file__).resolve().parents[2]
STACK_SH = REPO_ROOT / "scripts" / "stack.sh"
STATE_DIR = REPO_ROOT / ".stack"
PROJECT = "grokorc"
USER_CODE_IMAGE = "grokorc-user-code:0.1.0"
NETWORK = "grokorc"
HOME_VOLUME = "grokorc-home"
PEERS = "grokorc-test-peers"
PORT_VARIABLES = ("GROKORC_PORT_DAGSTER", "GROKORC_PORT_POSTGRES", "GROKORC_PORT_PROMETHEUS",
                  "GROKORC_PORT_PUSHGATEWAY", "GROKORC_PORT_ALERTMANAGER", "GROKORC_PORT_GRAFANA")


def port_env() -> dict[str, str]:
    """A distinct free loopback port for every port the stack publishes."""
    return dict(zip(PORT_VARIABLES, map(str, free_ports(len(PORT_VARIABLES))), strict=True))


def up_on_free_ports(env: dict[str, str], attempts: int = 3) -> tuple[dict[str, str], subprocess.CompletedProcess[str]]:
    """``scripts/stack.sh up`` on free ports, with fresh ones if a port was taken before Docker bound it.

    A port is free when chosen, not when Docker publishes it seconds later; ``up`` stops the stack again
    when it fails, so choosing again is safe. Any other failure is returned at once."""
    for _ in range(attempts):
        ported = env | port_env()
        up = stack_sh("up", env=ported)
        if up.returncode == 0 or "port is already allocated" not in up.stderr:
            break
    return ported, up


def docker(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def stack_sh(*args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(STACK_SH), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


def project_containers() -> list[str]:
    """Every container of the stack, run containers included (names)."""
    names = set()
    for label in (f"com.docker.compose.project={PROJECT}", "org.grokorc.role=run-worker"):
        listed = docker("ps", "-a", "--filter", f"label={label}", "--format", "{{.Names}}").stdout
        names.update(listed.split())
    return sorted(names)


def container_of(service: str) -> str:
    ids = docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}",
                 "--filter", f"label=com.docker.compose.service={service}").stdout.split()
    assert len(ids) == 1, f"expected one {service} container, found {ids}"
    return ids[0]


def inspect(container: str, template: str) -> str:
    return docker("inspect", "-f", template, container).stdout.strip()


def run_containers(run_id: str) -> list[str]:
    return docker("ps", "-aq", "--filter", f"label=dagster/run_id={run_id}").stdout.split()


class Stack:
    """A running stack on free loopback ports; ``env`` is what ``scripts/stack.sh`` was given."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        secrets = dict(line.split("=", 1) for line in (STATE_DIR / "secrets.env").read_text().split())
        self.postgres_password = secrets["POSTGRES_PASSWORD"]

    def port(self, variable: str) -> int:
        return int(self.env[variable])

    @property
    def database_url(self) -> str:
        return (f"postgresql+psycopg2://grokorc:{self.postgres_password}@127.0.0.1:"
                f"{self.port('GROKORC_PORT_POSTGRES')}/grokorc")

    # -- the host's grokorc, against the stack's database ---------------------------------------
    def grokorc(self, *args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GROKORC_", "DAGSTER_"))}
        env.update(GROKORC_DATABASE_URL=self.database_url, GROKORC_HOME=str(home))
        return subprocess.run([sys.executable, "-m", "grokorc_assets.cli", *args], capture_output=True, text=True,
                              env=env, timeout=timeout, check=False)

    def result(self, project_id: str, home: Path) -> dict[str, Any] | None:
        done = self.grokorc("report", project_id, "--json", home=home)
        return json.loads(done.stdout) if done.returncode == 0 else None

    # -- Dagster's GraphQL API -------------------------------------------------------------------
    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port('GROKORC_PORT_DAGSTER')}/graphql"
        # After Postgres restarts, the webserver's pool hands out one dead connection per pooled slot:
        # that request answers 500 and the pool drops it; the next one gets a fresh connection.
        for _ in range(5):
            response = httpx.post(url, json={"query": query, "variables": variables or {}}, timeout=30)
            if response.status_code < 500:
                break
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def runs(self, project_id: str) -> list[dict[str, Any]]:
        """The project's runs, newest first: id, status, tags."""
        data = self.graphql(
            """query Runs($value: String!) {
                 runsOrError(filter: {tags: [{key: "dagster/partition", value: $value}]}) {
                   ... on Runs { results { runId status tags { key value } } }
                 }
               }""",
            {"value": project_id},
        )
        return [{**r, "tags": {t["key"]: t["value"] for t in r["tags"]}} for r in data["runsOrError"]["results"]]

    def failure_messages(self, run_id: str) -> list[str]:
        """The run's failure and error events, last ten: what a stuck or failed build says."""
        data = self.graphql(
            """query Logs($id: ID!) {
                 logsForRun(runId: $id) { ... on EventConnection { events {
                   __typename ... on MessageEvent { message } } } }
               }""",
            {"id": run_id},
        )
        events = (data.get("logsForRun") or {}).get("events") or []
        return [f"{e['__typename']}: {e.get('message', '')[:300]}" for e in events
                if "Failure" in e["__typename"] or "Error" in e["__typename"] or "Retry" in e["__typename"]][-10:]

    def succeeded_steps(self, run_id: str) -> set[str]:
        data = self.graphql(
            """query Steps($id: ID!) {
                 runOrError(runId: $id) { ... on Run { stepStats { stepKey status } } }
               }""",
            {"id": run_id},
        )
        return {s["stepKey"] for s in data["runOrError"].get("stepStats") or [] if s["status"] == "SUCCESS"}

    # -- Prometheus -------------------------------------------------------------------------------
    def prometheus(self, expr: str) -> list[dict[str, Any]]:
        url = f"http://127.0.0.1:{self.port('GROKORC_PORT_PROMETHEUS')}/api/v1/query"
        response = httpx.get(url, params={"query": expr}, timeout=10)
        response.raise_for_status()
        return response.json()["data"]["result"]

    # -- the compose project ------------------------------------------------------------------------
    def compose(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.env}
        return subprocess.run(["docker-compose", "-p", PROJECT, "--env-file", str(STATE_DIR / "stack.env"),
                               "-f", str(REPO_ROOT / "docker-compose.yml"), *args],
                              capture_output=True, text=True, env=env, timeout=timeout, check=False)

    def wait_healthy(self, service: str, timeout: float = 180) -> None:
        container = container_of(service)
        wait_for(lambda: inspect(container, "{{.State.Health.Status}}") == "healthy", f"{service} healthy",
                 timeout, interval=1.0)
