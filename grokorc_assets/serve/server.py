"""Serve a generated project's backend (and, through it, its UI) as a sandboxed, long-running server.

The generated code is untrusted, so it runs like its tests do (``grokorc_assets.sandbox``): no
network, an empty environment plus the few variables the app reads, rlimits, a throw-away uid, and
a read-only view of everything except a scratch directory. uvicorn listens on a Unix socket in that
scratch directory; ``UnixSocketProxy`` forwards a loopback TCP port to it.
"""

from __future__ import annotations

import http.client
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.sandbox import Limits, SandboxedProcess, SandboxResult, start_sandboxed
from grokorc_assets.serve.proxy import PortInUseError, UnixSocketProxy

SOCKET_NAME = "app.sock"


class ServeError(RuntimeError):
    """The project cannot be served (missing backend, or the server never became healthy)."""


class ServeSettings(BaseModel):
    """How long to wait for health, and the server's limits (a server lives longer than a test run)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    startup_timeout_s: float = Field(30.0, gt=0)
    poll_interval_s: float = Field(0.05, gt=0)
    health_path: str = "/api/health"
    # RLIMIT_CPU is per process and cumulative: an idle uvicorn uses little, but a preview may run
    # for hours. Address space and open files stay at the test defaults.
    limits: Limits = Field(default_factory=lambda: Limits(cpu_seconds=6 * 3600))


class ServedApp:
    """A running sandboxed server reachable at ``url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, project_dir: Path, proc: SandboxedProcess, proxy: UnixSocketProxy, scratch: Path) -> None:
        self.project_dir = project_dir
        self.scratch = scratch
        self._proc = proc
        self._proxy = proxy
        self.port: int = proxy.port
        self.url = f"http://127.0.0.1:{self.port}"
        self.result: SandboxResult | None = None

    @property
    def mode(self) -> str:
        return self._proc.mode

    @property
    def notes(self) -> list[str]:
        return self._proc.notes

    @property
    def uid(self) -> int | None:
        return self._proc.uid

    @property
    def pid(self) -> int:
        return self._proc.pid

    def alive(self) -> bool:
        return self._proc.poll() is None

    def stderr_tail(self, limit: int = 4000) -> str:
        return self._proc.stderr_tail(limit)

    def stop(self) -> SandboxResult:
        """Close the port first (no new requests), then end the server and its uid; idempotent."""
        if self.result is None:
            self._proxy.close()
            try:
                self.result = self._proc.stop()
            finally:
                shutil.rmtree(self.scratch, ignore_errors=True)
        return self.result

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def backend_dir(project_dir: Path) -> Path:
    backend = Path(project_dir) / "backend"
    if not (backend / "app" / "main.py").is_file():
        raise ServeError(f"{project_dir} has no backend/app/main.py: nothing to serve")
    return backend


def start_served(project_dir: Path, *, port: int = 0, sandbox: bool = True,
                 settings: ServeSettings | None = None) -> ServedApp:
    """Start the server and return once ``/api/health`` answers 200 (else ``ServeError``)."""
    settings = settings or ServeSettings()
    project_dir = Path(project_dir).resolve()
    backend = backend_dir(project_dir)
    # A short path of its own: a Unix socket path must fit in 108 bytes, and workspace paths need not.
    scratch = Path(tempfile.mkdtemp(prefix="grokorc-serve-"))
    try:
        proxy = UnixSocketProxy(scratch / SOCKET_NAME, port)  # first: a busy port fails before any start
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        proc = _start_server(project_dir, backend, scratch, settings, sandbox)
    except BaseException:
        proxy.close()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    served = ServedApp(project_dir, proc, proxy, scratch)
    try:
        _wait_healthy(served, settings)
    except BaseException:
        served.stop()
        raise
    return served


@contextmanager
def served_project(project_dir: Path, *, port: int = 0, sandbox: bool = True,
                   settings: ServeSettings | None = None) -> Iterator[ServedApp]:
    """``with served_project(dir) as app: ... app.url ...``; the server is always stopped after."""
    served = start_served(project_dir, port=port, sandbox=sandbox, settings=settings)
    try:
        yield served
    finally:
        served.stop()


def _start_server(project_dir: Path, backend: Path, scratch: Path, settings: ServeSettings,
                  sandbox: bool) -> SandboxedProcess:
    argv = [sys.executable, "-m", "uvicorn", "app.main:app", "--uds", str(scratch / SOCKET_NAME),
            "--app-dir", str(backend), "--no-access-log", "--log-level", "warning"]
    # Only what the app reads; the sandbox starts from an empty environment and refuses secrets.
    env = {"APP_STATIC_DIR": str(project_dir / "frontend"), "APP_DATABASE_PATH": str(scratch / "app.db"),
           "PYTHONPATH": str(backend)}
    # sandbox=False still gets the empty environment and rlimits; the notes say what is missing.
    return start_sandboxed(argv, workdir=scratch, limits=settings.limits, env=env, ro_paths=[project_dir],
                           mode="auto" if sandbox else "rlimit-only")


def _wait_healthy(served: ServedApp, settings: ServeSettings) -> None:
    """Poll health through the proxy (the path real clients take) until 200 or the deadline."""
    deadline = time.monotonic() + settings.startup_timeout_s
    last = "no answer yet"
    while time.monotonic() < deadline:
        if not served.alive():
            raise ServeError(f"the server exited before it was healthy:\n{served.stderr_tail(2000)}")
        last = _health_once(served.port, settings.health_path)
        if last == "200":
            return
        time.sleep(settings.poll_interval_s)  # bounded polling of an external process
    raise ServeError(f"{settings.health_path} did not answer 200 within {settings.startup_timeout_s:g} s "
                     f"(last: {last}); server stderr:\n{served.stderr_tail(2000)}")


def _health_once(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return str(conn.getresponse().status)
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


__all__ = ["PortInUseError", "ServeError", "ServeSettings", "ServedApp", "backend_dir", "served_project",
           "start_served"]
