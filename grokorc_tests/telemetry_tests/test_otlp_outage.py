"""A collector that is down, or accepts connections and never answers, costs a build one bounded export
attempt in all (not one per step), and the outage is reported once; the build itself is unaffected.
(The time it costs is measured by bench/bench_otlp_outage.py against a build without telemetry.)"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import uuid

import pytest

from grokorc_tests.deployment_tests.devserver import free_port
from grokorc_tests.telemetry_tests.test_build_trace import MESSAGE, PYTHON, clean_env

WARNING = "did not accept spans"


class BlackHole:
    """Accepts TCP connections and never sends a byte back; counts the connections."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections.append(conn)  # kept open, never answered

    def close(self) -> None:
        self._server.close()
        for conn in self.connections:
            conn.close()


def build_with_endpoint(cli_env: dict[str, str], endpoint: str) -> subprocess.CompletedProcess:
    env = {**clean_env(cli_env), "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
    return subprocess.run(
        [PYTHON, "-m", "grokorc_assets.cli", "build", MESSAGE, "--project-id", f"otlp-{uuid.uuid4().hex[:8]}",
         "--json"], env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def black_hole():
    hole = BlackHole()
    yield hole
    hole.close()


def test_a_collector_that_never_answers_is_tried_once_per_build(cli_env, black_hole):
    done = build_with_endpoint(cli_env, black_hole.endpoint)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["status"] == "success"
    # One step's export waited (bounded) and tripped the breaker; the other steps did not connect.
    assert 1 <= len(black_hole.connections) <= 2, len(black_hole.connections)
    assert done.stderr.count(WARNING) <= 2, done.stderr[-3000:]


def test_a_collector_that_is_down_is_reported_once(cli_env):
    done = build_with_endpoint(cli_env, f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["status"] == "success"
    assert 1 <= done.stderr.count(WARNING) <= 2, done.stderr[-3000:]
    assert "Transient error" not in done.stderr and "Failed to export" not in done.stderr


