"""The browser side of visual tests: stable screenshots, axe-core audits and overflow checks.

One Chromium per run and one page reused across shots (a fresh page per shot costs several times
more, see bench/bench_browser.py); the viewport is switched with ``set_viewport_size``. Every
operation runs under a watchdog: if the browser dies or a call hangs, the browser is killed,
relaunched and the operation retried (``retries`` times, exponential backoff) before
``BrowserUnavailableError``. Plain Python: no dagster here.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import psutil
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .browser_models import (
    IMPACTS,
    A11yReport,
    A11yViolation,
    BrowserSettings,
    ImpactCounts,
    OverflowOffender,
    OverflowReport,
    PageSpec,
    PageState,
    Shot,
    ShotRecord,
    ShotTimings,
    Viewport,
    load_settings,
)

__all__ = [
    "A11yReport", "BrowserSession", "BrowserSettings", "BrowserUnavailableError", "OverflowReport",
    "PageSpec", "PageState", "Shot", "ShotRecord", "Viewport", "VisualBrowserError", "VisualPageError", "capture",
    "decode_png", "load_settings", "resolve_chromium",
]

log = logging.getLogger(__name__)

DEFAULT_CHROMIUM = "/usr/bin/chromium"
T = TypeVar("T")


class VisualBrowserError(RuntimeError):
    """Base of the errors this module raises."""


class BrowserUnavailableError(VisualBrowserError):
    """Chromium kept crashing or hanging: the operation failed after every retry."""


class VisualPageError(VisualBrowserError):
    """The browser is fine but the page is not (e.g. the URL does not load): retrying will not help."""


def resolve_chromium() -> str | None:
    """GROKORC_CHROMIUM, else the system Chromium, else None (Playwright's managed browser)."""
    override = os.environ.get("GROKORC_CHROMIUM", "").strip()
    if override:
        return override  # an explicit choice wins, even if broken: launch then says why
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def decode_png(png: bytes) -> np.ndarray:
    """PNG bytes -> H x W x 4 uint8 (the layout pixelmatch expects)."""
    with Image.open(io.BytesIO(png)) as image:
        return np.array(image.convert("RGBA"), dtype=np.uint8)


# --- process handling ------------------------------------------------------------------------------

def _descendants() -> dict[int, psutil.Process]:
    return {p.pid: p for p in psutil.Process().children(recursive=True)}


def _is_browser_main(proc: psutil.Process) -> bool:
    """Chromium's main process: a chromium binary without ``--type=`` (renderers, zygotes have one)."""
    try:
        cmdline = proc.cmdline()
        name = proc.name()
    except psutil.Error:
        return False
    is_chromium = "chrom" in name.lower() or bool(cmdline and "chrom" in cmdline[0].lower())
    return is_chromium and not any(arg.startswith("--type=") for arg in cmdline)


def _find_new(
    before: dict[int, psutil.Process], wanted: Callable[[psutil.Process], bool],
) -> psutil.Process | None:
    # Playwright exposes neither the driver's nor the browser's pid: take the newest process below
    # us that was not there before. (Two sessions launching at once in one process could confuse it.)
    fresh = [p for pid, p in _descendants().items() if pid not in before and wanted(p)]
    return max(fresh, key=_create_time, default=None)


def _create_time(proc: psutil.Process) -> float:
    try:
        return proc.create_time()
    except psutil.Error:
        return 0.0


def _kill_tree(proc: psutil.Process | None) -> None:
    """SIGKILL the browser and its helpers. psutil refuses to signal a reused pid."""
    if proc is None:
        return
    try:
        victims = [*proc.children(recursive=True), proc]
    except psutil.Error:
        return
    for victim in victims:
        try:
            victim.kill()
        except psutil.Error:
            pass


def _alive(proc: psutil.Process | None) -> bool:
    try:
        return proc is not None and proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# --- in-page scripts -----------------------------------------------------------------------------

# Offenders are the outermost elements sticking out past the viewport's right edge; elements inside
# a horizontally clipping ancestor (overflow-x other than visible) cannot widen the document.
_OVERFLOW_JS = """
(limit) => {
  const de = document.documentElement;
  const body = document.body;
  const vw = de.clientWidth;
  const scrollWidth = Math.max(de.scrollWidth, body ? body.scrollWidth : 0);
  const sticksOut = (el) => el.getBoundingClientRect().right + window.scrollX > vw + 0.5;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== body && a !== de; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => {
    if (el.id) return `${el.tagName.toLowerCase()}#${el.id}`;
    const cls = [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
    const siblings = el.parentElement
      ? [...el.parentElement.children].filter((s) => s.tagName === el.tagName) : [];
    const nth = siblings.length > 1 ? `:nth-of-type(${siblings.indexOf(el) + 1})` : '';
    return el.tagName.toLowerCase() + cls + nth;
  };
  const offenders = [];
  for (const el of body ? body.querySelectorAll('*') : []) {
    if (offenders.length >= limit) break;
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || !sticksOut(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== body && sticksOut(parent)) continue;
    if (clipped(el)) continue;
    offenders.push({selector: describe(el), right: r.right + window.scrollX, width: r.width});
  }
  return {scroll_width: scrollWidth, client_width: vw, offenders};
}
"""


_SETTLE_POLL_MS = 25
_HAS_STATES_JS = "() => document.querySelector('[data-state]') !== null"
_LOADING_SHOWN_JS = """
() => [...document.querySelectorAll('[data-state="loading"]')].filter((el) => el.checkVisibility()).length
"""

# The generated UI marks its data regions with data-state="loading" | "empty" | "error" | "ready";
# only visible ones count (a hidden error template is not an error).
_PAGE_STATE_JS = """
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  };
  const shown = (state) => [...document.querySelectorAll(`[data-state="${state}"]`)].filter(visible);
  return {
    errors: shown('error').map((el) => (el.innerText || '').trim().slice(0, 300)),
    empty: shown('empty').length,
    loading: shown('loading').length,
  };
}
"""


# --- the session ---------------------------------------------------------------------------------

class BrowserSession:
    """One Chromium for a whole run; use as a context manager so it is always closed."""

    def __init__(
        self,
        settings: BrowserSettings | None = None,
        *,
        executable_path: str | None = None,
        reuse_page: bool = True,
    ) -> None:
        self.settings = settings or load_settings()
        self.executable_path = executable_path or resolve_chromium()
        # False = a new context + page per shot: only for the benchmark's comparison.
        self.reuse_page = reuse_page
        self.launches = 0
        self.recoveries = 0
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._proc: psutil.Process | None = None
        self._driver: psutil.Process | None = None  # Playwright's node process
        self._crashed = False
        self._url: str | None = None  # what the caller last asked for (survives a relaunch)
        self._loaded_url: str | None = None  # what the current page shows
        self._viewport: Viewport = self.settings.viewports[0]
        self._applied_viewport: Viewport | None = None
        self._console: list[str] = []
        self._page_errors: list[str] = []
        self._inflight = 0  # requests the page has sent and not yet seen answered
        self._http_status: int | None = None

    # lifecycle ------------------------------------------------------------------------------------

    def __enter__(self) -> BrowserSession:
        try:
            self.start()
        except BaseException:
            self.close()  # __exit__ will not run: do not leave a driver behind
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Launch now (otherwise the first operation does), with the same retry policy."""
        self._run("launch Chromium", lambda page: None)

    @property
    def browser_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def close(self) -> None:
        # Bounded: a hung browser must not hang the run's teardown; the watchdog kills it.
        with self._watchdog(self.settings.action_timeout_s):
            self._drop_page()
            if self._browser is not None:
                _quietly(self._browser.close)
            self._stop_driver()
        _kill_tree(self._proc if _alive(self._proc) else None)
        self._browser = self._proc = None

    def _stop_driver(self) -> None:
        if self._pw is not None:
            _quietly(self._pw.stop)
        _kill_tree(self._driver if _alive(self._driver) else None)
        self._pw = self._driver = None

    def _launch(self) -> None:
        if self._pw is None:
            before_driver = _descendants()
            try:
                self._pw = sync_playwright().start()
            except PlaywrightError as error:
                # Not a browser failure, so not retried: Playwright's sync API refuses a second
                # instance in a thread that already runs one (or runs an asyncio loop).
                raise VisualBrowserError(
                    "cannot start Playwright: use one BrowserSession per thread, outside asyncio "
                    f"({_first_line(error)})"
                ) from error
            self._driver = _find_new(before_driver, lambda proc: True)
        before = _descendants()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=self.executable_path,
                args=self.settings.launch_args,
                timeout=self.settings.launch_timeout_s * 1000,
            )
        except PlaywrightError:
            # The driver may have died with the browser: start a fresh one on the next attempt.
            self._stop_driver()
            raise
        self._proc = _find_new(before, _is_browser_main)
        self._crashed = False
        self.launches += 1

    def _teardown(self) -> None:
        """Forget a browser that crashed or hung; the next operation relaunches."""
        _kill_tree(self._proc)
        self._page = self._context = None
        if self._browser is not None:
            _quietly(self._browser.close)  # returns at once: the process is gone
        self._browser = self._proc = None
        self._applied_viewport = None
        self._loaded_url = None
        if not _alive(self._driver):
            self._stop_driver()  # the watchdog had to kill the driver: start a new one next time

    def _drop_page(self) -> None:
        if self._context is not None:
            _quietly(self._context.close)
        self._page = self._context = None
        self._applied_viewport = None
        self._loaded_url = None

    def _ensure_page(self) -> Page:
        if self._browser is None or not self._browser.is_connected() or not _alive(self._proc):
            if self._browser is not None:
                # Died between operations (killed, OOM): noticed before use, still a recovery.
                log.warning("Chromium (pid %s) is gone; relaunching", self.browser_pid)
                self.recoveries += 1
            self._teardown()
            self._launch()
        if self._page is None or self._page.is_closed():
            self._open_page()
        assert self._page is not None
        return self._page

    def _open_page(self) -> None:
        assert self._browser is not None
        # device_scale_factor=1: a 375-wide viewport gives a 375-pixel-wide PNG.
        self._context = self._browser.new_context(viewport=self._viewport.size, device_scale_factor=1)
        self._context.set_default_timeout(self.settings.action_timeout_s * 1000)
        self._context.set_default_navigation_timeout(self.settings.navigation_timeout_s * 1000)
        page = self._context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._page_errors.append(str(error)))
        page.on("crash", lambda _page: setattr(self, "_crashed", True))
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)
        self._inflight = 0
        self._page = page
        self._applied_viewport = self._viewport
        self._loaded_url = None

    def _on_request(self, _request: object) -> None:
        self._inflight += 1

    def _on_request_done(self, _request: object) -> None:
        self._inflight = max(0, self._inflight - 1)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self._console.append(f"{message.text} ({where}:{message.location.get('lineNumber', 0)})")

    # resilience -----------------------------------------------------------------------------------

    @contextmanager
    def _watchdog(self, seconds: float) -> Iterator[threading.Event]:
        """Kill the browser if the block outlives ``seconds``: the stuck Playwright call then raises.

        Playwright has no timeout on ``evaluate`` (axe, overflow), so this is the only bound there.
        The guard keeps killing until the block ends, because the hang may be in a launch whose
        process is not known yet; if the driver itself is stuck, it is killed after a grace period.
        Only OS processes are touched from the guard thread, never a Playwright object.
        """
        fired = threading.Event()
        done = threading.Event()

        def guard() -> None:
            if done.wait(seconds):
                return
            fired.set()
            escalate_at = time.monotonic() + self.settings.driver_kill_grace_s
            while not done.is_set():
                _kill_tree(self._proc)
                if time.monotonic() >= escalate_at:
                    _kill_tree(self._driver)
                done.wait(0.2)

        thread = threading.Thread(target=guard, name="grokorc-browser-watchdog", daemon=True)
        thread.start()
        try:
            yield fired
        finally:
            done.set()
            thread.join()

    def _broken(self, error: Exception, fired: threading.Event) -> str | None:
        """Why the browser (not the page) is at fault, or None if the error is the page's own."""
        if fired.is_set():
            return f"hung past {self.settings.operation_timeout_s:g}s"
        if isinstance(error, PlaywrightTimeoutError):
            return "timed out"
        if self._browser is None or not self._browser.is_connected() or not _alive(self._proc):
            return "browser process died"
        if self._crashed:
            return "page crashed"
        return None

    def _run(self, what: str, op: Callable[[Page], T]) -> tuple[T, int]:
        """``op(page)`` with relaunch-and-retry on crash/hang; returns (result, attempts used)."""
        attempts = self.settings.retries + 1
        failures: list[str] = []
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(self.settings.backoff_base_s * 2 ** (attempt - 2))
            with self._watchdog(self.settings.operation_timeout_s) as fired:
                try:
                    result = op(self._ensure_page())
                except PlaywrightError as error:
                    reason = self._broken(error, fired)
                    if reason is None:
                        raise VisualPageError(f"{what}: {_first_line(error)}") from error
                    failures.append(f"attempt {attempt}: {reason} ({_first_line(error)})")
                    log.warning("%s: %s; relaunching Chromium", what, failures[-1])
                    self.recoveries += 1
                    self._teardown()
                    continue
            if fired.is_set():
                self._teardown()  # fired just after op returned: the result stands, the browser is gone
            return result, attempt
        browser = self.executable_path or "Playwright's managed Chromium"
        raise BrowserUnavailableError(
            f"{what}: Chromium ({browser}) unavailable after {attempts} attempts: " + "; ".join(failures)
        )

    # page helpers ---------------------------------------------------------------------------------

    def _apply_viewport(self, page: Page, viewport: Viewport | None = None) -> None:
        self._viewport = viewport or self._viewport
        if self._applied_viewport != self._viewport:
            page.set_viewport_size(self._viewport.size)
            self._applied_viewport = self._viewport

    def _navigate(self, page: Page, url: str) -> bool:
        """Load ``url``; True if the network also went idle within the bound."""
        self._console.clear()
        self._page_errors.clear()
        self._url = url
        self._loaded_url = None
        self._http_status = None
        response = page.goto(url, wait_until="load")
        self._http_status = response.status if response is not None else None  # None for file://
        self._loaded_url = url
        return self._wait_settled(page)

    def _wait_settled(self, page: Page) -> bool:
        """A page that follows the generated UI's data-state contract is settled as soon as no request is
        in flight and no loading state shows (checked twice, a frame apart): no need for network idle's
        500 ms of silence. Any other page waits for network idle as before."""
        timeout_s = self.settings.network_idle_timeout_s
        if timeout_s <= 0 or not page.evaluate(_HAS_STATES_JS):
            return self._wait_network_idle(page)
        deadline = time.monotonic() + timeout_s
        quiet = 0
        while time.monotonic() < deadline:
            # wait_for_timeout lets Playwright deliver the request events this loop counts.
            page.wait_for_timeout(_SETTLE_POLL_MS)
            quiet = quiet + 1 if self._inflight == 0 and page.evaluate(_LOADING_SHOWN_JS) == 0 else 0
            if quiet >= 2:
                return True
        return False

    def _wait_network_idle(self, page: Page) -> bool:
        timeout_s = self.settings.network_idle_timeout_s
        if timeout_s <= 0:
            return False
        try:
            page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        except PlaywrightTimeoutError:
            return False  # long-polling or streaming pages never go idle: shoot them anyway
        return True

    def _ensure_loaded(self, page: Page, url: str | None) -> None:
        """Operations on "the current page" reload it after a relaunch lost it."""
        target = url or self._url
        if target is None:
            raise VisualBrowserError("no page loaded: pass a url or shoot one first")
        if self._loaded_url != target:
            self._navigate(page, target)

    def _stable_screenshot(self, page: Page, options: dict[str, Any]) -> tuple[bytes, bool, int]:
        """Re-shoot until two consecutive PNGs are byte-identical, at most max_stability_shots."""
        previous = page.screenshot(**options)
        taken = 1
        while taken < self.settings.max_stability_shots:
            current = page.screenshot(**options)
            taken += 1
            if current == previous:
                return current, True, taken
            previous = current
        return previous, False, taken

    # public operations ----------------------------------------------------------------------------

    def shoot(
        self,
        url: str,
        viewport: Viewport,
        *,
        masks: Sequence[str] = (),
        full_page: bool = False,
        animations: Literal["disabled", "allow"] = "disabled",
        reload: bool = True,
    ) -> Shot:
        """Navigate, settle, and take a stabilised screenshot with ``masks`` painted over.

        ``reload=False`` keeps the page if it is already loaded and only resizes it (the next
        viewport of the same page): media queries apply on resize, and a reload costs a page load."""
        started = time.perf_counter()
        if not self.reuse_page:
            self._drop_page()

        def op(page: Page) -> tuple[bytes, bool, int, bool]:
            self._apply_viewport(page, viewport)
            if reload or self._loaded_url != url:
                idle = self._navigate(page, url)
            else:
                idle = False
                # Two animation frames: layout and paint have caught up with the new size.
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            options = {
                "full_page": full_page,
                "animations": animations,
                "caret": "hide",
                "scale": "css",
                "mask": [page.locator(selector) for selector in masks],
                "mask_color": self.settings.mask_color,
            }
            return (*self._stable_screenshot(page, options), idle)

        (png, stable, taken, idle), attempts = self._run(f"shoot {url} at {viewport.name}", op)
        return Shot(
            url=url, viewport=viewport, png=png, rgba=decode_png(png), stable=stable, shots_taken=taken,
            network_idle=idle, console_errors=list(self._console), page_errors=list(self._page_errors),
            attempts=attempts, elapsed_ms=_ms_since(started), http_status=self._http_status,
        )

    def audit_a11y(self, url: str | None = None) -> A11yReport:
        """Run the axe-core packaged with axe-playwright-python in ``url`` (default: current page)."""
        from axe_playwright_python.sync_playwright import Axe  # heavy: reads axe.min.js on import

        started = time.perf_counter()

        def op(page: Page) -> dict[str, Any]:
            self._apply_viewport(page)
            self._ensure_loaded(page, url)
            return Axe().run(page).response

        response, _attempts = self._run(f"axe audit of {url or self._url}", op)
        return _a11y_report(url or self._url or "", response, _ms_since(started))

    def page_state(self) -> PageState:
        """The current page's visible ``data-state`` markers (error / empty / loading)."""

        def op(page: Page) -> dict[str, Any]:
            self._ensure_loaded(page, None)
            return page.evaluate(_PAGE_STATE_JS)

        data, _attempts = self._run(f"page state of {self._url}", op)
        return PageState.model_validate(data)

    def interact(self, url: str, what: str, action: Callable[[Page], T]) -> T:
        """Load ``url`` fresh and run ``action(page)`` with the session's crash/hang recovery.

        For probes that click and type: the action may be re-run on a relaunched browser, so it must
        not depend on state from a previous attempt.
        """

        def op(page: Page) -> T:
            self._apply_viewport(page)
            self._navigate(page, url)
            return action(page)

        result, _attempts = self._run(what, op)
        return result

    def overflow(self, viewport: Viewport | None = None) -> OverflowReport:
        """Horizontal overflow of the current page at ``viewport`` (default: the current one)."""

        def op(page: Page) -> dict[str, Any]:
            self._apply_viewport(page, viewport)
            self._ensure_loaded(page, None)
            return page.evaluate(_OVERFLOW_JS, self.settings.overflow_max_offenders)

        data, _attempts = self._run(f"overflow check of {self._url}", op)
        return OverflowReport(
            viewport=self._viewport,
            overflowing=data["scroll_width"] > data["client_width"],
            scroll_width=data["scroll_width"],
            client_width=data["client_width"],
            offenders=[OverflowOffender(**item) for item in data["offenders"]],
        )


def _a11y_report(url: str, response: dict[str, Any], elapsed_ms: float) -> A11yReport:
    counts = dict.fromkeys(IMPACTS, 0)
    nodes = dict.fromkeys(IMPACTS, 0)
    violations = []
    for item in response.get("violations", []):
        targets = [_target(node.get("target", [])) for node in item.get("nodes", [])]
        impact = item.get("impact")
        violations.append(A11yViolation(
            id=item["id"], impact=impact, help=item.get("help", ""), help_url=item.get("helpUrl", ""),
            targets=targets,
        ))
        if impact in counts:
            counts[impact] += 1
            nodes[impact] += len(targets)
    return A11yReport(
        url=url, counts=ImpactCounts(**counts), node_counts=ImpactCounts(**nodes), violations=violations,
        axe_version=response.get("testEngine", {}).get("version", ""), elapsed_ms=elapsed_ms,
    )


def _target(selectors: list[Any]) -> str:
    # axe gives one selector per frame / shadow root level; nested lists for shadow DOM.
    return " >>> ".join(" ".join(s) if isinstance(s, list) else str(s) for s in selectors)


# --- a whole run ---------------------------------------------------------------------------------

def capture(
    pages: Sequence[PageSpec],
    viewports: Sequence[Viewport] | None,
    out_dir: Path,
    *,
    masks: Sequence[str] = (),
    session: BrowserSession | None = None,
    settings: BrowserSettings | None = None,
    on_record: Callable[[ShotRecord], None] | None = None,
) -> list[ShotRecord]:
    """Shoot every page x viewport into ``<out_dir>/<page>/<viewport>.png``, check overflow, and
    audit each page once at the audit viewport. ``viewports=None`` takes the data file's."""
    if session is None:
        with BrowserSession(settings) as own:
            return capture(pages, viewports, out_dir, masks=masks, session=own, on_record=on_record)
    chosen = list(viewports) if viewports else list(session.settings.viewports)
    audit_at = _audit_viewport(chosen, session.settings.audit_viewport)
    records: list[ShotRecord] = []
    for page in pages:
        for index, viewport in enumerate(chosen):
            record = _capture_one(session, page, viewport, Path(out_dir), [*masks, *page.masks],
                                  audit=viewport == audit_at, first_viewport=index == 0)
            records.append(record)
            if on_record is not None:
                on_record(record)
    return records


def _audit_viewport(viewports: list[Viewport], name: str) -> Viewport:
    named = [v for v in viewports if v.name == name]
    return named[0] if named else max(viewports, key=lambda v: v.width)


def _capture_one(
    session: BrowserSession, page: PageSpec, viewport: Viewport, out_dir: Path, masks: list[str],
    *, audit: bool, first_viewport: bool = True,
) -> ShotRecord:
    started = time.perf_counter()
    shot = session.shoot(page.url, viewport, masks=masks, reload=first_viewport)
    path = out_dir / page.name / f"{viewport.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(shot.png)
    overflow_started = time.perf_counter()
    overflow = session.overflow(viewport)
    overflow_ms = _ms_since(overflow_started)
    state = session.page_state()
    a11y = session.audit_a11y(page.url) if audit else None
    return ShotRecord(
        page=page.name, viewport=viewport, path=str(path), width=shot.width, height=shot.height,
        stable=shot.stable, shots_taken=shot.shots_taken, network_idle=shot.network_idle,
        attempts=shot.attempts, console_errors=shot.console_errors, page_errors=shot.page_errors,
        overflow=overflow, a11y=a11y, http_status=shot.http_status, state=state,
        timings=ShotTimings(shoot_ms=shot.elapsed_ms, overflow_ms=overflow_ms,
                            a11y_ms=a11y.elapsed_ms if a11y else None, total_ms=_ms_since(started)),
    )


# --- small helpers -------------------------------------------------------------------------------

def _quietly(action: Callable[[], object]) -> None:
    # Teardown of a browser that may already be dead: failures here carry no information.
    try:
        action()
    except Exception as error:  # noqa: BLE001
        log.debug("ignored during teardown: %s", _first_line(error))


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
