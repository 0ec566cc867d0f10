"""Loading generated pages in real Chromium and collecting what went wrong."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Every way a page could run injected script ends up setting window.__xss or opening a dialog.
XSS_HOOK = """
window.__xss = false;
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = function () { window.__xss = true; };
}
"""
SETTLED = "document.querySelector('[data-health]').textContent.indexOf('checking') < 0"

A11Y_PROBE = """() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const unlabelled = q("input, select, textarea").filter((el) => {
    if (el.getAttribute("aria-label")) return false;
    return !(el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
  }).map((el) => el.outerHTML);
  const skip = document.querySelector("a.skip-link");
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: q("h1").length,
    header: q("header").length, nav: q("nav").length, main: q("main").length, footer: q("footer").length,
    skipTarget: !!(skip && document.querySelector(skip.getAttribute("href"))),
    unlabelled: unlabelled,
    imagesWithoutAlt: q("img:not([alt])").length,
    svgWithoutName: q("svg[role=img]").filter((s) => !s.getAttribute("aria-labelledby")).length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    scripts: q("script").map((s) => s.getAttribute("src")),
    images: q("img").length,
    eventHandlers: q("*").filter((el) => Array.from(el.attributes)
      .some((a) => a.name.startsWith("on"))).length,
  };
}"""


@dataclass
class PageVisit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    probe: dict = field(default_factory=dict)
    xss: bool = False
    text: str = ""


def visit(page, path: Path, width: int, settled: str = SETTLED) -> PageVisit:
    """Open one page at a viewport width, wait until its scripts settled, and probe it. ``settled``: a JS
    expression true once they have (the default reads the English health line)."""
    result = PageVisit(url=path.as_uri())
    page.set_viewport_size({"width": width, "height": 800})

    def on_console(message):
        if message.type == "error":
            result.console_errors.append(message.text)

    def on_dialog(dialog):
        result.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    try:
        page.goto(result.url, wait_until="load")
        page.wait_for_function(settled)
        result.probe = page.evaluate(A11Y_PROBE)
        result.xss = page.evaluate("window.__xss === true")
        result.text = page.inner_text("body")
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("dialog", on_dialog)
    return result


def html_pages(project: Path) -> list[Path]:
    return sorted((project / "frontend").rglob("*.html"))


@contextmanager
def served_backend(project: Path) -> Iterator[str]:
    """A generated project's backend under uvicorn, on a socket we bound ourselves (--fd): no port race,
    and ready once it says so. Yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    env = {**os.environ, "APP_CORS_ORIGINS": "*"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--fd", str(sock.fileno()), "--log-level", "info"],
        cwd=project / "backend", pass_fds=(sock.fileno(),), env=env, stderr=subprocess.PIPE, text=True)
    sock.close()
    try:
        for line in server.stderr:
            if "Application startup complete" in line:
                break
        else:
            raise AssertionError("uvicorn exited before starting")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


@contextmanager
def page_against(browser, base: str) -> Iterator:
    """A fresh tab whose generated pages call the API at ``base``, with the XSS hook installed."""
    context = browser.new_context()
    context.add_init_script(XSS_HOOK)
    context.add_init_script(f"window.GROKORC_API_BASE = {base!r};")
    try:
        yield context.new_page()
    finally:
        context.close()
