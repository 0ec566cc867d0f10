"""Fixtures for the browser tests: HTML pages written into tmp dirs, a tiny local HTTP server whose
routes can hang or kill the browser on demand, and one shared Chromium per test module."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import BrowserSettings, load_settings

CLEAN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clean page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font-family:sans-serif;color:#111;background:#fff} main{padding:16px}</style>
</head><body><header><nav aria-label="Main"><a href="#orders">Orders</a></nav></header>
<main id="orders"><h1>Orders</h1><p>Everything fits and everything has a name.</p>
<img id="logo" alt="Company logo" width="16" height="16"
 src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<form><label for="q">Search</label> <input id="q" type="text"></form></main>
<footer><p>Footer</p></footer></body></html>"""

# Three planted violations with known impacts: image-alt (critical), label (critical),
# color-contrast (serious).
PLANTED = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Planted</title></head>
<body><main><h1>Planted</h1>
<img id="noalt" width="16" height="16"
 src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<form><input id="nolabel" type="text"></form>
<p id="faint" style="color:#bbb;background:#fff">Barely readable text</p></main></body></html>"""

WIDE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wide</title>
<style>body{margin:0}</style></head><body><main><h1>Wide</h1>
<div id="wide" style="width:2000px;height:20px;background:#036"><span>inside</span></div>
</main></body></html>"""

# A wide table inside a scrolling container must not count: the container clips it.
SCROLLER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Scroller</title>
<style>body{margin:0}</style></head><body><main><h1>Scroller</h1>
<div style="overflow-x:auto;width:100%"><div style="width:2000px;height:20px">table</div></div>
</main></body></html>"""

RANDOM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Random</title>
<style>body{margin:0;font:20px sans-serif} #rand{width:300px;height:40px}</style></head>
<body><main><h1>Quote of the load</h1><p id="rand"></p></main>
<script>document.getElementById('rand').textContent = String(Math.random());</script></body></html>"""

# Repaints a high-resolution clock every frame: consecutive screenshots can never agree.
CLOCK = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clock</title>
<style>body{margin:0;font:20px monospace} #clock{width:300px;height:40px}</style></head>
<body><main><h1>Now</h1><p id="clock"></p></main><script>
function tick() { document.getElementById('clock').textContent = performance.now().toFixed(3);
  requestAnimationFrame(tick); }
tick();</script></body></html>"""

# A box sliding 100 px/s forever: moves between any two frames unless animations are disabled.
ANIMATED = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Animated</title>
<style>body{margin:0} #box{width:50px;height:50px;background:#c00;animation:slide 10s linear infinite}
@keyframes slide{from{transform:translateX(0)}to{transform:translateX(1000px)}}</style></head>
<body><main><div id="box"></div></main></body></html>"""

NOISY = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Noisy</title></head>
<body><main><h1>Noisy</h1></main><script>
console.error('boom from console');
setTimeout(() => { throw new Error('kaput from script'); }, 0);
</script></body></html>"""

TALL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tall</title>
<style>body{margin:0}</style></head><body><main><h1>Tall</h1><div style="height:3000px"></div>
</main></body></html>"""

# The renderer's main thread spins forever right after load: screenshots and evaluate hang.
HANG = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hang</title></head>
<body><p>hang</p><script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 0));</script>
</body></html>"""


def write_page(directory: Path, name: str, html: str) -> str:
    path = directory / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """name -> file:// URL of every fixture page."""
    directory = tmp_path_factory.mktemp("site")
    pages = {"clean": CLEAN, "planted": PLANTED, "wide": WIDE, "scroller": SCROLLER, "random": RANDOM,
             "clock": CLOCK, "animated": ANIMATED, "noisy": NOISY, "tall": TALL, "hang": HANG}
    return {name: write_page(directory, name, html) for name, html in pages.items()}


@pytest.fixture(scope="module")
def settings() -> BrowserSettings:
    return load_settings()


@pytest.fixture(scope="module")
def session(settings: BrowserSettings) -> Iterator[BrowserSession]:
    with BrowserSession(settings) as shared:
        yield shared


def fast_fail_settings(**changes: object) -> BrowserSettings:
    """Short timeouts and backoff so crash/hang tests take seconds, not minutes."""
    base = {"navigation_timeout_s": 3, "action_timeout_s": 3, "operation_timeout_s": 20,
            "backoff_base_s": 0.05, "network_idle_timeout_s": 1}
    return load_settings().with_overrides(**{**base, **changes})


@dataclass
class Route:
    body: str
    # Called with the 1-based hit number before answering (may block or kill the browser).
    before: Callable[[int], None] | None = None


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route]
    hits: Counter = field(default_factory=Counter)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    state = LocalServer(base="", routes={})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            state.hits[self.path] += 1
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.before is not None:
                route.before(state.hits[self.path])
            body = route.body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client killed mid-request leaves a broken pipe: expected in these tests

    httpd = Server(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()  # unblock any handler still hanging on purpose
        httpd.shutdown()
        httpd.server_close()
        thread.join()
