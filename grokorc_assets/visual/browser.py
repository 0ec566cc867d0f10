"""The browser session: one Chromium for a run, stable screenshots, page checks, crash/hang recovery.

One Chromium per run and one page reused across shots (a fresh page per shot costs several times
more, see bench/bench_browser.py); the viewport is switched with ``set_viewport_size``. Every
operation runs under a watchdog: if the browser dies or a call hangs, the browser is killed,
relaunched and the operation retried (``retries`` times, exponential backoff) before
``BrowserUnavailableError``. Plain Python: no dagster here.

Around it: ``browser_processes`` (finding and killing Chromium's processes), ``page_scripts`` (the
JavaScript evaluated in the page), ``a11y_audit`` (axe-core), ``capture`` (a whole run to disk) and
``browser_models`` (what all of them return).
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

import psutil
from playwright.sync_api import Browser, BrowserContext, CDPSession, ConsoleMessage, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from grokorc_assets.visual.a11y_audit import a11y_report, run_axe
from grokorc_assets.visual.browser_models import (
    A11yReport,
    BrowserSettings,
    OverflowOffender,
    OverflowReport,
    PageState,
    Shot,
    Viewport,
    load_settings,
)
from grokorc_assets.visual.browser_processes import (
    alive,
    descendants,
    find_new,
    is_browser_main,
    kill_tree,
    resolve_chromium,
)
from grokorc_assets.visual.page_scripts import (
    HAS_STATES_JS,
    LOADING_SHOWN_JS,
    NEXT_PAINT_JS,
    OVERFLOW_JS,
    PAGE_STATE_JS,
    STILL_PAGE_JS,
)

__all__ = ["BrowserSession", "BrowserUnavailableError", "VisualBrowserError", "VisualPageError", "ms_since"]

log = logging.getLogger(__name__)

T = TypeVar("T")
_SETTLE_POLL_MS = 25


class VisualBrowserError(RuntimeError):
    """Base of the errors this module raises."""


class BrowserUnavailableError(VisualBrowserError):
    """Chromium kept crashing or hanging: the operation failed after every retry."""


class VisualPageError(VisualBrowserError):
    """The browser is fine but the page is not (e.g. the URL does not load): retrying will not help."""


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
        self.fast_captures = 0  # shoot() calls that went through the DevTools protocol
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._cdp: CDPSession | None = None  # the page's DevTools session, for fast captures
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
        kill_tree(self._proc if alive(self._proc) else None)
        self._browser = self._proc = None

    def _stop_driver(self) -> None:
        if self._pw is not None:
            _quietly(self._pw.stop)
        kill_tree(self._driver if alive(self._driver) else None)
        self._pw = self._driver = None

    def _launch(self) -> None:
        if self._pw is None:
            before_driver = descendants()
            try:
                self._pw = sync_playwright().start()
            except PlaywrightError as error:
                # Not a browser failure, so not retried: Playwright's sync API refuses a second
                # instance in a thread that already runs one (or runs an asyncio loop).
                raise VisualBrowserError(
                    "cannot start Playwright: use one BrowserSession per thread, outside asyncio "
                    f"({_first_line(error)})"
                ) from error
            self._driver = find_new(before_driver, lambda proc: True)
        before = descendants()
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
        self._proc = find_new(before, is_browser_main)
        self._crashed = False
        self.launches += 1

    def _teardown(self) -> None:
        """Forget a browser that crashed or hung; the next operation relaunches."""
        kill_tree(self._proc)
        self._page = self._context = None
        if self._browser is not None:
            _quietly(self._browser.close)  # returns at once: the process is gone
        self._browser = self._proc = None
        self._applied_viewport = None
        self._loaded_url = None
        if not alive(self._driver):
            self._stop_driver()  # the watchdog had to kill the driver: start a new one next time

    def _drop_page(self) -> None:
        if self._context is not None:
            _quietly(self._context.close)
        self._page = self._context = self._cdp = None
        self._applied_viewport = None
        self._loaded_url = None

    def _ensure_page(self) -> Page:
        if self._browser is None or not self._browser.is_connected() or not alive(self._proc):
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
        self._cdp = None
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
                kill_tree(self._proc)
                if time.monotonic() >= escalate_at:
                    kill_tree(self._driver)
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
        if self._browser is None or not self._browser.is_connected() or not alive(self._proc):
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
        if timeout_s <= 0 or not page.evaluate(HAS_STATES_JS):
            return self._wait_network_idle(page)
        deadline = time.monotonic() + timeout_s
        quiet = 0
        while time.monotonic() < deadline:
            # wait_for_timeout lets Playwright deliver the request events this loop counts.
            page.wait_for_timeout(_SETTLE_POLL_MS)
            quiet = quiet + 1 if self._inflight == 0 and page.evaluate(LOADING_SHOWN_JS) == 0 else 0
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

    def _stable_screenshot(
        self, page: Page, options: dict[str, Any], expected: bytes | None = None, *, repaint: bool = False
    ) -> tuple[bytes, bool, int]:
        """Re-shoot until two consecutive PNGs are byte-identical, at most max_stability_shots. One shot is
        enough, as with Playwright's screenshot assertion, when it is identical to ``expected`` (the
        approved baseline: a page that renders its baseline is not still changing) or, with no baseline,
        when the page was seen not changing just before it (``quiet``). ``repaint``: the viewport was just
        resized, so layout and paint must catch up first."""
        shoot, quiet = self._capturer(page, options, watch=expected is None, repaint=repaint)
        previous = shoot()
        taken = 1
        if (expected is not None and previous == expected) or quiet:
            return previous, True, taken
        while taken < self.settings.max_stability_shots:
            current = shoot()
            taken += 1
            if current == previous:
                return current, True, taken
            previous = current
        return previous, False, taken

    def _capturer(
        self, page: Page, options: dict[str, Any], *, watch: bool, repaint: bool
    ) -> tuple[Callable[[], bytes], bool]:
        """How to shoot this page now, and whether it was seen still (only looked for with ``watch`` and
        ``one_shot_when_quiet``). A still page without masks goes straight through the DevTools protocol
        (same pixels, faster PNG encoding), anything else through Playwright's screenshot. The two frames
        a repaint waits for are the same two frames the page is watched over (one wait, not two)."""
        plain_options = not options["mask"] and not options["full_page"]
        watch = watch and plain_options and self.settings.one_shot_when_quiet
        if not (plain_options and (self.settings.fast_capture or watch)):
            if repaint:
                page.evaluate(NEXT_PAINT_JS)
            return (lambda: page.screenshot(**options)), False
        seen = page.evaluate(STILL_PAGE_JS, {"watch": watch, "repaint": repaint})
        if not (self.settings.fast_capture and seen["plain"]):
            return (lambda: page.screenshot(**options)), seen["quiet"]
        if self._cdp is None:
            assert self._context is not None
            self._cdp = self._context.new_cdp_session(page)
        cdp = self._cdp
        self.fast_captures += 1
        return (lambda: base64.b64decode(
            cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})["data"])), seen["quiet"]

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
        expected: bytes | None = None,
    ) -> Shot:
        """Navigate, settle, and take a stabilised screenshot with ``masks`` painted over.

        ``reload=False`` keeps the page if it is already loaded and only resizes it (the next
        viewport of the same page): media queries apply on resize, and a reload costs a page load.
        ``expected``: the baseline PNG; a first shot equal to it needs no second one."""
        started = time.perf_counter()
        if not self.reuse_page:
            self._drop_page()

        def op(page: Page) -> tuple[bytes, bool, int, bool]:
            self._apply_viewport(page, viewport)
            resized = not (reload or self._loaded_url != url)
            idle = False if resized else self._navigate(page, url)
            options = {
                "full_page": full_page,
                "animations": animations,
                "caret": "hide",
                "scale": "css",
                "mask": [page.locator(selector) for selector in masks],
                "mask_color": self.settings.mask_color,
            }
            return (*self._stable_screenshot(page, options, expected, repaint=resized), idle)

        (png, stable, taken, idle), attempts = self._run(f"shoot {url} at {viewport.name}", op)
        return Shot(
            url=url, viewport=viewport, png=png, stable=stable, shots_taken=taken,
            network_idle=idle, console_errors=list(self._console), page_errors=list(self._page_errors),
            attempts=attempts, elapsed_ms=ms_since(started), http_status=self._http_status,
        )

    def audit_a11y(self, url: str | None = None) -> A11yReport:
        """Run the axe-core packaged with axe-playwright-python in ``url`` (default: current page)."""
        started = time.perf_counter()

        def op(page: Page) -> dict[str, Any]:
            self._apply_viewport(page)
            self._ensure_loaded(page, url)
            return run_axe(page)

        response, _attempts = self._run(f"axe audit of {url or self._url}", op)
        return a11y_report(url or self._url or "", response, ms_since(started))

    def page_state(self) -> PageState:
        """The current page's visible ``data-state`` markers (error / empty / loading)."""

        def op(page: Page) -> dict[str, Any]:
            self._ensure_loaded(page, None)
            return page.evaluate(PAGE_STATE_JS)

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
            return page.evaluate(OVERFLOW_JS, self.settings.overflow_max_offenders)

        data, _attempts = self._run(f"overflow check of {self._url}", op)
        return OverflowReport(
            viewport=self._viewport,
            overflowing=data["scroll_width"] > data["client_width"],
            scroll_width=data["scroll_width"],
            client_width=data["client_width"],
            offenders=[OverflowOffender(**item) for item in data["offenders"]],
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


def ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
