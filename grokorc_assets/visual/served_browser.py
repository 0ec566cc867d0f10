"""The served app and the browser that shoots it, started side by side.

Serving a project (a sandboxed uvicorn answering its health check) and launching Chromium each take
about a second and neither needs the other until the first page is shot, so ``visual_test`` starts
the server in a thread while this thread launches the browser (a Playwright session belongs to the
thread that starts it). Both are always stopped, whichever of them failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from grokorc_assets.serve import ServedApp, start_served
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import BrowserSettings

__all__ = ["served_with_browser"]


@contextmanager
def served_with_browser(
    site: Path, settings: BrowserSettings | None = None
) -> Iterator[tuple[ServedApp, BrowserSession]]:
    """``with served_with_browser(site) as (served, session)``: raises the server's ``ServeError`` or the
    browser's error as they would alone."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="serve") as pool:
        serving = pool.submit(start_served, site)
        session = BrowserSession(settings)
        try:
            session.__enter__()
        except BaseException:
            _stop_once_started(serving)
            raise
        try:
            served = serving.result()
        except BaseException:
            session.close()
            raise
        try:
            yield served, session
        finally:
            try:
                served.stop()
            finally:
                session.close()


def _stop_once_started(serving: Future[ServedApp]) -> None:
    try:
        served = serving.result()
    except BaseException:  # noqa: BLE001 - the browser's error is the one to report
        return
    served.stop()
