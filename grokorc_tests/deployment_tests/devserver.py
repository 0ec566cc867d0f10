"""`grokorc dev` as a user runs it (webserver + daemon on the CLI's storage), driven over GraphQL.

Used by the deployment tests and bench/bench_backfill.py. Everything runs on 127.0.0.1 with a free
port; ``stop`` signals `grokorc dev`, which stops its whole process tree (dagster dev, webserver, daemon,
code servers, run workers), and reports how long that took and what had to be killed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from grokorc_tests.ports import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = REPO_ROOT / "workspace.yaml"
LOCATION = "grokorc"
REPOSITORY = "__repository__"
REQUEST_SENSOR = "project_request_sensor"
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}
DAGSTER_ENV = ("GROKORC_HOME", "DAGSTER_HOME", "GROKORC_DAGSTER_POSTGRES_URL")



def wait_until(what: str, probe: Callable[[], Any], timeout: float, interval: float = 1.0) -> Any:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except (OSError, urllib.error.URLError, KeyError, ValueError) as exc:
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error})")


def dagster_env(base_env: dict[str, str]) -> dict[str, str]:
    """``base_env`` plus what `grokorc env` exports (DAGSTER_HOME, the Postgres URL), for `dagster` commands."""
    out = subprocess.run(
        [sys.executable, "-m", "grokorc_assets.cli", "env"], env=base_env, capture_output=True, text=True,
        timeout=300, check=True,
    ).stdout
    env = dict(base_env)
    for name, value in re.findall(r"^export (\w+)='([^']*)'$", out, flags=re.MULTILINE):
        env[name] = value
    missing = [name for name in DAGSTER_ENV if name not in env]
    if missing:
        raise RuntimeError(f"`grokorc env` did not export {missing}: {out!r}")
    return env


SENSOR_SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "sensorName": REQUEST_SENSOR}


@dataclass
class StopReport:
    seconds: float  # from the signal until the whole tree had ended (or the grace ran out)
    killed: list[int]  # pids the harness had to SIGKILL: the server did not stop them itself


class DevServer:
    """One `grokorc dev` subprocess in its own session (process group)."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int | None = None):
        self.env = dict(env)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    # -- lifecycle ------------------------------------------------------------------------------------

    def preset_request_sensor_cursor(self, cursor: int) -> None:
        """Before start: the request sensor starts from ``cursor`` (not from the first request ever stored).

        On an instance without state for the sensor this also records it as stopped, so nothing is
        launched until a test starts it.
        """
        subprocess.run(
            [sys.executable, "-m", "dagster", "sensor", "cursor", "-w", str(WORKSPACE), "--set", str(cursor),
             REQUEST_SENSOR],
            env=dagster_env(self.env), capture_output=True, text=True, timeout=300, check=True,
        )

    def start(self, timeout: float = 300) -> DevServer:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grokorc_assets.cli", "dev", "--port", str(self.port), "--host", "127.0.0.1"],
            # Not the checkout: `dagster dev` warns about a dagster.yaml in its working directory.
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=self.env.get("GROKORC_HOME") or None,
        )
        log.close()
        wait_until("the webserver to answer", self._server_info, timeout)
        wait_until("the code location to load", self._location_loaded, timeout, interval=2)
        return self

    def stop(self, signum: int = signal.SIGINT, grace: float = 30) -> StopReport:
        """Send ``signum`` to `grokorc dev` alone (as a service manager or Ctrl-C would) and wait for its
        whole process tree to end; SIGKILL (and report) whatever is still alive after ``grace``."""
        if self.proc is None:
            return StopReport(0.0, [])
        tree = self.tree()
        started = time.monotonic()
        try:
            self.proc.send_signal(signum)
        except ProcessLookupError:
            pass
        _, alive = psutil.wait_procs(tree, timeout=grace)
        seconds = time.monotonic() - started
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None
        return StopReport(seconds, sorted(p.pid for p in alive))

    def tree(self) -> list[psutil.Process]:
        """`grokorc dev` and every process under it: dagster dev, webserver, daemon, code servers, runs."""
        if self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def pids(self) -> list[int]:
        return [p.pid for p in self.tree()]

    # -- GraphQL --------------------------------------------------------------------------------------

    def gql(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise AssertionError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def _server_info(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"grokorc dev exited with {self.proc.returncode}; see {self.log_path}")
        with urllib.request.urlopen(f"{self.url}/server_info", timeout=5) as response:
            return json.loads(response.read()).get("dagster_version") is not None

    def _location_loaded(self) -> bool:
        data = self.gql(
            "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
            "locationOrLoadError { __typename } } } } }"
        )
        entries = {e["name"]: e for e in data["workspaceOrError"]["locationEntries"]}
        entry = entries.get(LOCATION)
        if entry and entry["loadStatus"] == "LOADED":
            kind = entry["locationOrLoadError"]["__typename"]
            if kind != "RepositoryLocation":
                raise RuntimeError(f"code location {LOCATION} failed to load: {entry}")
            return True
        return False

    def runs(self, tags: dict[str, str]) -> list[dict]:
        data = self.gql(
            """query Runs($filter: RunsFilter) { runsOrError(filter: $filter) { __typename
                 ... on Runs { results { runId status startTime endTime tags { key value } } } } }""",
            {"filter": {"tags": [{"key": k, "value": v} for k, v in tags.items()]}},
        )
        return [
            {**run, "tags": {t["key"]: t["value"] for t in run["tags"]}} for run in data["runsOrError"]["results"]
        ]

    def wait_for_runs(self, tags: dict[str, str], count: int, timeout: float, interval: float = 3) -> list[dict]:
        """Poll until ``count`` runs with ``tags`` exist and all of them ended."""

        def done():
            runs = self.runs(tags)
            return runs if len(runs) >= count and all(r["status"] in TERMINAL for r in runs) else None

        return wait_until(f"{count} finished run(s) tagged {tags}", done, timeout, interval)

    def check_executions(self, asset: str, check: str, partition: str | None = None, limit: int = 100) -> list[dict]:
        data = self.gql(
            """query Checks($key: AssetKeyInput!, $check: String!, $partition: String, $limit: Int!) {
                 assetCheckExecutions(assetKey: $key, checkName: $check, partition: $partition, limit: $limit) {
                   runId status partition evaluation { success severity } } }""",
            {"key": {"path": [asset]}, "check": check, "partition": partition, "limit": limit},
        )
        return data["assetCheckExecutions"]

    def asset_checks(self) -> dict[str, list[str]]:
        data = self.gql(
            "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } }"
        )
        return {
            "/".join(node["assetKey"]["path"]): [c["name"] for c in node["assetChecksOrError"].get("checks", [])]
            for node in data["assetNodes"]
        }

    def partition_keys(self, asset: str = "plan") -> list[str]:
        data = self.gql(
            """query P($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
                 ... on AssetNode { partitionKeys } } }""",
            {"key": {"path": [asset]}},
        )
        return data["assetNodeOrError"]["partitionKeys"]

    # -- the request sensor -----------------------------------------------------------------------------

    def sensor_state(self) -> dict:
        data = self.gql(
            """query S($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
                 __typename ... on Sensor { sensorState { id selectorId status
                   typeSpecificData { ... on SensorData { lastCursor } }
                   ticks(limit: 20) { tickId status timestamp runIds runKeys skipReason } } } } }""",
            {"selector": SENSOR_SELECTOR},
        )
        return data["sensorOrError"]["sensorState"]

    def start_request_sensor(self, cursor: int) -> None:
        self.gql(
            """mutation C($selector: SensorSelector!, $cursor: String) {
                 setSensorCursor(sensorSelector: $selector, cursor: $cursor) { __typename } }""",
            {"selector": SENSOR_SELECTOR, "cursor": str(cursor)},
        )
        self.gql(
            """mutation S($selector: SensorSelector!) { startSensor(sensorSelector: $selector) {
                 __typename ... on Sensor { sensorState { status } } } }""",
            {"selector": SENSOR_SELECTOR},
        )
        wait_until("the request sensor to run", lambda: self.sensor_state()["status"] == "RUNNING", 60)

    def stop_request_sensor(self) -> None:
        state = self.sensor_state()
        if state["status"] == "RUNNING":
            self.gql(
                """mutation S($id: String, $selectorId: String) { stopSensor(id: $id, jobSelectorId: $selectorId) {
                     __typename } }""",
                {"id": state["id"], "selectorId": state["selectorId"]},
            )
        # A tick already under way could still launch runs: wait until none is in progress.
        wait_until(
            "the request sensor to stop",
            lambda: (s := self.sensor_state())["status"] == "STOPPED"
            and all(t["status"] != "STARTED" for t in s["ticks"]),
            60,
        )

    def terminate(self, run_ids: Iterable[str]) -> None:
        for run_id in run_ids:
            self.gql("mutation T($id: String!) { terminateRun(runId: $id) { __typename } }", {"id": run_id})


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                members.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return members


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies still count for killpg; a group of zombies only is done.
    for pid in _group_members(pgid):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            return True
    return False
