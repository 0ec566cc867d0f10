"""`grokorc preview` as a user runs it: a real subprocess serving over real HTTP, stopped by SIGTERM."""

from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import urllib.request

import psutil
import pytest

from grokorc_assets.packaging import package_project
from grokorc_assets.sandbox import bwrap_usable
from grokorc_assets.storage.requests import RequestStore
from grokorc_tests.serve_tests.apps import INDEX, write_project

GROKORC = [sys.executable, "-m", "grokorc_assets.cli"]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(GROKORC + args, env=env, capture_output=True, timeout=120, text=True)


def uvicorn_serving(project_marker: str) -> list[psutil.Process]:
    """Servers whose command line names this project (whatever uid the sandbox gave them)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if "uvicorn" in cmdline and any(project_marker in arg for arg in cmdline):
            found.append(proc)
    return found


class Lines:
    """stdout lines of a running process, read on a thread so waiting for one is bounded."""

    def __init__(self, stream) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream], daemon=True).start()

    def until(self, predicate, timeout: float = 120) -> str:
        while True:
            line = self._queue.get(timeout=timeout)  # raises queue.Empty past the bound
            if predicate(line):
                return line


@pytest.fixture
def stored(engine, project_id: str) -> str:
    RequestStore(engine).submit(project_id, "A notes web app")
    return project_id


@pytest.mark.skipif(not bwrap_usable()[0], reason="bwrap sandbox not usable here")
def test_preview_serves_the_delivery_until_sigterm(cli_env, settings, stored: str) -> None:
    workspace = settings.workspace(stored, 1)
    write_project(workspace / "project", index=INDEX.replace("Home", "Merged"))
    delivered = write_project(workspace / "staging", index=INDEX.replace("Home", "Delivered"))
    package_project(delivered, workspace / "delivery", f"{stored}-r1", {"status": "success"})

    proc = subprocess.Popen(GROKORC + ["preview", stored], env=cli_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = Lines(proc.stdout)
        assert "from the delivered archive" in lines.until(lambda line: line.startswith("serving"))
        url = lines.until(lambda line: line.startswith("http://127.0.0.1:")).strip()
        with urllib.request.urlopen(url + "/", timeout=10) as page:
            assert b"<h1>Delivered</h1>" in page.read()
        with urllib.request.urlopen(url + "/api/health", timeout=10) as health:
            assert health.status == 200 and json.loads(health.read()) == {"status": "ok"}
        servers = uvicorn_serving(f"{stored}-r1")
        # bwrap itself runs as root; the server below it as the sandbox's throw-away uid.
        assert [p.uids().real != 0 for p in servers if p.name() != "bwrap"] == [True]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert uvicorn_serving(f"{stored}-r1") == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=2).close()


def test_preview_falls_back_to_the_merged_project(cli_env, settings, stored: str) -> None:
    write_project(settings.workspace(stored, 1) / "project")
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        # A taken port: refused as bad input after the project was found (and said which one).
        proc = run(["preview", stored, "--port", str(taken.getsockname()[1])], cli_env)
    finally:
        taken.close()
    assert proc.returncode == 2 and "already in use" in proc.stderr, proc.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["preview", "Not_An_Id"], "invalid project id"),
    (["preview", "{stored}", "--revision", "7"], "unknown revision 7"),
    (["preview", "never-stored-project-x1"], "unknown project"),
    (["preview", "{stored}", "--port", "70000"], "--port must be between 0 and 65535"),
    (["preview", "{stored}"], "no built project to serve yet"),
])
def test_preview_bad_input_exits_2(cli_env, stored: str, args: list[str], expected: str) -> None:
    proc = run([a.replace("{stored}", stored) for a in args], cli_env)
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr


def test_preview_is_a_listed_command(cli_env) -> None:
    assert "preview" in run(["--help"], cli_env).stdout


