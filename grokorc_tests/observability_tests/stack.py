"""Reusable test helpers: a real Pushgateway + Prometheus + Alertmanager on loopback ports.

Usage from any test module::

    from grokorc_tests.observability_tests.stack import observability_stack  # noqa: F401  (pytest fixture)

    def test_something(observability_stack):
        push_to_gateway(observability_stack.pushgateway_address, job="grokorc", registry=registry)
        observability_stack.wait_for_query('grokorc_workflows_completed_total')

or, with more control, ``ObservabilityStack(tmp_dir, ...)`` as a context manager.

Everything listens on 127.0.0.1 (free ports chosen at start), stores in a temporary directory and is
stopped (SIGTERM, then SIGKILL after a bounded wait) on exit. Readiness is polled with a deadline, never
slept for. The Prometheus and Alertmanager configurations are the real ones from ``observability/``,
rendered with loopback targets by :func:`render_prometheus_config` / :func:`render_alertmanager_config`.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from grokorc_tests.ports import LOOPBACK, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY_DIR = REPO_ROOT / "observability"
RULES_DIR = OBSERVABILITY_DIR / "rules"
PROMETHEUS_BIN = shutil.which("prometheus") or "/usr/bin/prometheus"
PUSHGATEWAY_BIN = shutil.which("prometheus-pushgateway") or "/usr/bin/prometheus-pushgateway"
ALERTMANAGER_BIN = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
PROMTOOL_BIN = shutil.which("promtool") or "/usr/bin/promtool"
AMTOOL_BIN = shutil.which("amtool") or "/usr/bin/amtool"



# --------------------------------------------------------------------------------------------- utilities

def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    """Poll ``predicate`` until it returns something truthy or ``timeout`` seconds pass.

    Returns the truthy value; raises ``TimeoutError`` naming ``what`` (and the last exception, if any).
    """
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 -- the condition is simply not met yet
            last_exc = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}{detail}")
        time.sleep(interval)


def finite_values(result: list[dict[str, Any]]) -> list[float]:
    """The finite sample values of an instant-query vector/scalar result."""
    values = []
    for item in result:
        raw = item["value"][1] if isinstance(item, dict) else item[1]
        v = float(raw)
        if math.isfinite(v):
            values.append(v)
    return values


# ------------------------------------------------------------------------------------- config rendering
def render_prometheus_config(
    dest_dir: Path,
    pushgateway: str,
    alertmanager: str | None,
    *,
    interval: str = "1s",
    rule_files: dict[str, str] | None = None,
    source: Path = OBSERVABILITY_DIR / "prometheus.yml",
) -> Path:
    """Write a copy of observability/prometheus.yml into ``dest_dir`` with loopback targets.

    ``pushgateway`` / ``alertmanager`` are ``host:port``. The rule files of observability/rules/ are copied
    to ``dest_dir/rules`` (so the relative ``rules/*.yml`` glob resolves) unless ``rule_files`` maps file
    names to replacement YAML text. ``alertmanager=None`` drops the alerting section.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    cfg = yaml.safe_load(source.read_text())
    cfg["global"]["scrape_interval"] = interval
    cfg["global"]["evaluation_interval"] = interval
    for job in cfg["scrape_configs"]:
        for sc in job.get("static_configs", []):
            sc["targets"] = [pushgateway if t.startswith("pushgateway") else t for t in sc["targets"]]
    if alertmanager is None:
        cfg.pop("alerting", None)
    else:
        for am in cfg["alerting"]["alertmanagers"]:
            for sc in am["static_configs"]:
                sc["targets"] = [alertmanager]
    rules_dest = dest_dir / "rules"
    rules_dest.mkdir(exist_ok=True)
    if rule_files is None:
        for f in RULES_DIR.glob("*.yml"):
            shutil.copy(f, rules_dest / f.name)
    else:
        for name, text in rule_files.items():
            (rules_dest / name).write_text(text)
    out = dest_dir / "prometheus.yml"
    out.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return out


def render_alertmanager_config(
    dest_dir: Path,
    webhook_urls: dict[str, str],
    *,
    group_wait: str | None = "1s",
    source: Path = OBSERVABILITY_DIR / "alertmanager.yml",
) -> Path:
    """Write a copy of observability/alertmanager.yml whose receivers read their URL from files in
    ``dest_dir`` (``webhook_urls`` maps receiver name -> URL; every receiver must be given one).

    ``group_wait`` (default 1s) replaces every route's group_wait so a test does not wait 10-30 s; pass
    ``None`` to keep the production values. Nothing else changes (routing, matchers, templates).
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    cfg = yaml.safe_load(source.read_text())
    seen = set()
    for receiver in cfg["receivers"]:
        name = receiver["name"]
        for sc in receiver.get("slack_configs", []):
            url_file = dest_dir / f"{name}.url"
            # trailing newline on purpose: secret files usually have one
            url_file.write_text(webhook_urls[name] + "\n")
            sc["api_url_file"] = str(url_file)
            seen.add(name)
    missing = set(webhook_urls) - seen
    if missing:
        raise KeyError(f"no such slack receivers in alertmanager.yml: {sorted(missing)}")
    if group_wait is not None:
        stack = [cfg["route"]]
        while stack:
            route = stack.pop()
            if "group_wait" in route or route is cfg["route"]:
                route["group_wait"] = group_wait
            stack.extend(route.get("routes", []))
    out = dest_dir / "alertmanager.yml"
    out.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return out


# -------------------------------------------------------------------------------------- webhook receiver
@dataclass
class ReceivedRequest:
    path: str
    body: dict[str, Any]


class WebhookSink:
    """An HTTP server (loopback unless told) recording every POST (JSON body) it receives; answers 200
    ``ok``. ``on_post`` is called with each request as it arrives."""

    def __init__(self, host: str = LOOPBACK, port: int = 0,
                 on_post: Callable[[ReceivedRequest], None] | None = None) -> None:
        self.requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with sink._lock:
                    sink.requests.append(ReceivedRequest(self.path, body))
                if on_post is not None:
                    on_post(ReceivedRequest(self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}/{path.lstrip('/')}"

    def received(self, path: str | None = None) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def __enter__(self) -> WebhookSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# -------------------------------------------------------------------------------------------- processes
@dataclass
class ManagedProcess:
    name: str
    argv: list[str]
    log_path: Path
    ready_url: str
    proc: subprocess.Popen | None = None
    _log: Any = None

    def start(self, timeout: float = 30.0) -> None:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 -- closed in stop()
        self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT)

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            return httpx.get(self.ready_url, timeout=2).status_code == 200

        try:
            wait_until(ready, timeout, f"{self.name} ready at {self.ready_url}")
        except BaseException:
            self.stop()
            raise

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class ObservabilityStack:
    """Pushgateway + Prometheus (+ Alertmanager) on free loopback ports under ``base_dir``.

    ``rule_files`` (name -> YAML text) replaces the real rule files (default: observability/rules/*.yml).
    ``webhook_urls`` (receiver name -> URL) enables Alertmanager with the real observability/alertmanager.yml
    rendered to post to those URLs; ``None`` runs without Alertmanager.
    """

    base_dir: Path
    interval: str = "1s"
    rule_files: dict[str, str] | None = None
    webhook_urls: dict[str, str] | None = None
    alertmanager_group_wait: str | None = "1s"
    processes: list[ManagedProcess] = field(default_factory=list)
    pushgateway_port: int = 0
    prometheus_port: int = 0
    alertmanager_port: int = 0

    # addresses -------------------------------------------------------------------------------------------
    @property
    def pushgateway_address(self) -> str:
        """host:port, as prometheus_client.push_to_gateway wants it."""
        return f"{LOOPBACK}:{self.pushgateway_port}"

    @property
    def pushgateway_url(self) -> str:
        return f"http://{self.pushgateway_address}"

    @property
    def prometheus_url(self) -> str:
        return f"http://{LOOPBACK}:{self.prometheus_port}"

    @property
    def alertmanager_url(self) -> str:
        return f"http://{LOOPBACK}:{self.alertmanager_port}"

    # lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> ObservabilityStack:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.pushgateway_port = free_port()
        pg = ManagedProcess(
            "pushgateway",
            # No persistence file: Debian's default (/var/lib/prometheus/pushgateway.data) is shared by every
            # session and would leak metrics between test runs.
            [PUSHGATEWAY_BIN, f"--web.listen-address={self.pushgateway_address}", "--persistence.file="],
            self.base_dir / "pushgateway.log",
            f"{self.pushgateway_url}/-/ready",
        )
        self.processes.append(pg)
        pg.start()

        am_address = None
        if self.webhook_urls is not None:
            self.alertmanager_port = free_port()
            am_address = f"{LOOPBACK}:{self.alertmanager_port}"
            am_cfg = render_alertmanager_config(
                self.base_dir / "alertmanager", self.webhook_urls, group_wait=self.alertmanager_group_wait
            )
            am = ManagedProcess(
                "alertmanager",
                [
                    ALERTMANAGER_BIN,
                    f"--config.file={am_cfg}",
                    f"--storage.path={self.base_dir / 'alertmanager' / 'data'}",
                    f"--web.listen-address={am_address}",
                    "--cluster.listen-address=",  # no gossip port, single instance
                ],
                self.base_dir / "alertmanager.log",
                f"{self.alertmanager_url}/-/ready",
            )
            self.processes.append(am)
            am.start()

        self.prometheus_port = free_port()
        prom_cfg = render_prometheus_config(
            self.base_dir / "prometheus",
            self.pushgateway_address,
            am_address,
            interval=self.interval,
            rule_files=self.rule_files,
        )
        prom = ManagedProcess(
            "prometheus",
            [
                PROMETHEUS_BIN,
                f"--config.file={prom_cfg}",
                f"--storage.tsdb.path={self.base_dir / 'prometheus' / 'data'}",
                f"--web.listen-address={LOOPBACK}:{self.prometheus_port}",
            ],
            self.base_dir / "prometheus.log",
            f"{self.prometheus_url}/-/ready",
        )
        self.processes.append(prom)
        prom.start()
        if am_address is not None:
            wait_until(
                lambda: self.prometheus_api("/api/v1/alertmanagers")["activeAlertmanagers"],
                30,
                "Prometheus to discover Alertmanager",
            )

    def stop(self) -> None:
        for p in reversed(self.processes):
            p.stop()
        self.processes.clear()

    def __enter__(self) -> ObservabilityStack:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.log_tail()}" for p in self.processes)

    # queries ---------------------------------------------------------------------------------------------
    def prometheus_api(self, path: str, **params: Any) -> Any:
        r = httpx.get(f"{self.prometheus_url}{path}", params=params or None, timeout=10)
        r.raise_for_status()
        body = r.json()
        if body.get("status") != "success":
            raise RuntimeError(f"{path} {params}: {body}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query; returns the result list (vector) or ``[[ts, value]]`` for a scalar."""
        data = self.prometheus_api("/api/v1/query", query=expr)
        if data["resultType"] == "scalar":
            return [data["result"]]
        return data["result"]

    def wait_for_query(
        self, expr: str, timeout: float = 30, predicate: Callable[[list[dict[str, Any]]], bool] | None = None
    ) -> list[dict[str, Any]]:
        """Poll ``expr`` until it returns a non-empty result (and ``predicate(result)`` holds)."""
        check = predicate or (lambda result: True)

        def attempt() -> list[dict[str, Any]] | None:
            result = self.query(expr)
            return result if result and check(result) else None

        return wait_until(attempt, timeout, f"query {expr!r}")

    def firing_alerts(self) -> list[dict[str, Any]]:
        return [a for a in self.prometheus_api("/api/v1/alerts")["alerts"] if a["state"] == "firing"]


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture
def observability_stack(tmp_path: Path) -> Iterator[ObservabilityStack]:
    """Pushgateway + Prometheus (real rules, 1s scrape/evaluation), no Alertmanager."""
    with ObservabilityStack(tmp_path / "stack") as stack:
        yield stack


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink
