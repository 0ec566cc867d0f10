"""served_project: a real sandboxed uvicorn behind the loopback proxy, talked to over real sockets."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from websockets.sync.client import connect as ws_connect

from grokorc_assets.sandbox import bwrap_usable
from grokorc_assets.serve import PortInUseError, ServeError, ServeSettings, served_project, start_served
from grokorc_tests.serve_tests.apps import write_project

needs_bwrap = pytest.mark.skipif(not bwrap_usable()[0], reason="bwrap sandbox not usable here")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def uid_processes(uid: int) -> list[int]:
    return [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


@needs_bwrap
def test_serves_ui_and_api_over_loopback_http(project: Path) -> None:
    started = time.monotonic()
    with served_project(project) as app:
        healthy_after = time.monotonic() - started
        assert app.mode == "bwrap" and app.uid not in (None, 0)
        assert app.url == f"http://127.0.0.1:{app.port}"
        assert get_json(app.url + "/api/health") == {"status": "ok"}
        with urllib.request.urlopen(app.url + "/", timeout=10) as response:
            assert b"<h1>Home</h1>" in response.read()
    print(f"start-to-healthy {healthy_after:.2f} s")


@needs_bwrap
def test_websocket_echo_through_the_proxy(project: Path) -> None:
    with served_project(project) as app, ws_connect(f"ws://127.0.0.1:{app.port}/ws/echo") as ws:
        for text in ("hello", "x" * 100_000):
            ws.send(text)
            assert ws.recv(timeout=10) == "echo:" + text


@needs_bwrap
def test_the_server_has_no_network_and_no_secrets(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROKORC_LLM_API_KEY", "canary-serve-4242")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    try:
        with served_project(project) as app:
            host_port = listener.getsockname()[1]
            local = get_json(f"{app.url}/api/connect?host=127.0.0.1&port={host_port}")
            outside = get_json(f"{app.url}/api/connect?host=192.0.2.1&port=80")
            env = get_json(app.url + "/api/env")
            wrote = get_json(f"{app.url}/api/write?path={project / 'backend' / 'pwned.txt'}")
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing from the sandbox ever reached the host's loopback
    finally:
        listener.close()
    assert not local["connected"] and not outside["connected"], (local, outside)
    assert "GROKORC_LLM_API_KEY" not in env and "canary-serve-4242" not in json.dumps(env)
    assert set(env) >= {"APP_STATIC_DIR", "APP_DATABASE_PATH", "PYTHONPATH"}
    assert not wrote["written"] and not (project / "backend" / "pwned.txt").exists()


@needs_bwrap
def test_stop_leaves_no_process_and_closes_the_port(project: Path) -> None:
    with served_project(project) as app:
        uid, pid, port = app.uid, app.pid, app.port
        assert uid_processes(uid)
    assert uid_processes(uid) == []
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not app.scratch.exists()
    assert app.stop() is app.result  # idempotent


def test_a_busy_port_is_refused_before_anything_starts(project: Path) -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        with pytest.raises(PortInUseError):
            start_served(project, port=taken.getsockname()[1])
    finally:
        taken.close()


def test_a_server_that_never_gets_healthy_reports_its_stderr(tmp_path: Path) -> None:
    broken = write_project(tmp_path / "broken", main_py="raise SystemExit('kaput: no app here')\n")
    with pytest.raises(ServeError, match="kaput: no app here"):
        start_served(broken, settings=ServeSettings(startup_timeout_s=20))


def test_missing_backend_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="no backend/app/main.py"):
        start_served(tmp_path)


def test_without_the_sandbox_it_still_serves_and_says_what_is_missing(project: Path) -> None:
    with served_project(project, sandbox=False) as app:
        assert app.mode == "rlimit-only"
        assert any("no network isolation" in note for note in app.notes)
        assert get_json(app.url + "/api/health") == {"status": "ok"}
