"""`scripts/stack.sh` on bad ground: no engine, a port taken, a stale stack in the way. Each gets a clear
message and its own exit code, and leaves nothing started behind."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from grokorc_tests.ports import free_port
from grokorc_tests.stack_tests.stack import PROJECT, docker, project_containers, stack_sh

pytestmark = [pytest.mark.stack, pytest.mark.timeout(900)]

EXIT_NO_ENGINE, EXIT_PORT_TAKEN, EXIT_STALE = 10, 11, 12


@pytest.fixture(scope="module")
def engine() -> None:
    """A running engine (`build` installs and starts one when missing, as `up` does) and no stack on it."""
    done = stack_sh("build")
    assert done.returncode == 0, done.stderr[-3000:]
    leftovers = project_containers()
    assert not leftovers, f"another grokorc stack is on this engine ({leftovers}): the stack tests need it alone"


def test_no_engine_is_a_clear_error() -> None:
    done = stack_sh("up", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock", "GROKORC_STACK_NO_INSTALL": "1"})
    assert done.returncode == EXIT_NO_ENGINE, done.stderr
    assert "no Docker engine" in done.stderr and "/nonexistent/docker.sock" in done.stderr


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port()))
        s.listen()
        yield s.getsockname()[1]


def test_a_taken_port_is_named_and_nothing_starts(engine: None, taken_port: int) -> None:
    done = stack_sh("up", env={"GROKORC_PORT_DAGSTER": str(taken_port), "GROKORC_STACK_GRAFANA": "no"})
    assert done.returncode == EXIT_PORT_TAKEN, done.stderr
    assert f"port {taken_port} on 127.0.0.1 is taken" in done.stderr and "GROKORC_PORT_DAGSTER" in done.stderr
    assert project_containers() == []


def test_a_stale_stack_is_reported_and_down_clears_it(engine: None) -> None:
    # What a crashed earlier `up` leaves: a container of the project that is not running.
    stale = docker("create", "--label", f"com.docker.compose.project={PROJECT}",
                   "--label", "com.docker.compose.service=webserver", "grokorc-postgres:18-pgvector").stdout.strip()
    try:
        done = stack_sh("up", env={"GROKORC_STACK_GRAFANA": "no"})
        assert done.returncode == EXIT_STALE, done.stderr
        assert "stale grokorc stack" in done.stderr and "webserver: created" in done.stderr
        assert project_containers() == [docker("inspect", "-f", "{{.Name}}", stale).stdout.strip().lstrip("/")]
        down = stack_sh("down")
        assert down.returncode == 0, down.stderr
        assert project_containers() == []
    finally:
        docker("rm", "-f", stale, check=False)


def test_one_port_for_two_services_is_named_and_nothing_starts(engine: None) -> None:
    port = str(free_port())
    done = stack_sh("up", env={"GROKORC_PORT_DAGSTER": port, "GROKORC_PORT_PROMETHEUS": port,
                               "GROKORC_STACK_GRAFANA": "no"})
    assert done.returncode == EXIT_PORT_TAKEN, done.stderr
    assert f"port {port} is given to both" in done.stderr and "GROKORC_PORT_DAGSTER" in done.stderr
    assert "GROKORC_PORT_PROMETHEUS" in done.stderr and project_containers() == []
