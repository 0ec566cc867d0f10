"""A whole capture run: every page x viewport shot to disk, overflow-checked, and audited once per page."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from grokorc_assets.visual.browser import BrowserSession, ms_since
from grokorc_assets.visual.browser_models import BrowserSettings, PageSpec, ShotRecord, ShotTimings, Viewport

__all__ = ["capture", "capture_in_parallel"]


def capture(
    pages: Sequence[PageSpec],
    viewports: Sequence[Viewport] | None,
    out_dir: Path,
    *,
    masks: Sequence[str] = (),
    session: BrowserSession | None = None,
    settings: BrowserSettings | None = None,
    on_record: Callable[[ShotRecord], None] | None = None,
    expected: Callable[[str, str], bytes | None] | None = None,
) -> list[ShotRecord]:
    """Shoot every page x viewport into ``<out_dir>/<page>/<viewport>.png``, check overflow, and
    audit each page once at the audit viewport. ``viewports=None`` takes the data file's.
    ``expected(page, viewport)``: the baseline PNG, if any (a first shot equal to it is kept)."""
    if session is None:
        with BrowserSession(settings) as own:
            return capture(pages, viewports, out_dir, masks=masks, session=own, on_record=on_record,
                           expected=expected)
    chosen = list(viewports) if viewports else list(session.settings.viewports)
    audit_at = _audit_viewport(chosen, session.settings.audit_viewport)
    records: list[ShotRecord] = []
    for page in pages:
        for index, viewport in enumerate(chosen):
            baseline = expected(page.name, viewport.name) if expected else None
            record = _capture_one(session, page, viewport, Path(out_dir), [*masks, *page.masks],
                                  audit=viewport == audit_at, first_viewport=index == 0, expected=baseline)
            records.append(record)
            if on_record is not None:
                on_record(record)
    return records


def capture_in_parallel(
    pages: Sequence[PageSpec],
    out_dir: Path,
    *,
    session: BrowserSession,
    expected: Callable[[str, str], bytes | None] | None = None,
) -> list[ShotRecord]:
    """``capture`` of every page at the settings' viewports, the pages dealt round-robin to
    ``capture_workers`` browsers: ``session`` in this thread, a fresh session in each other thread (a
    Playwright session belongs to its thread). Records come back in page order; a worker's error is
    raised here."""
    workers = min(session.settings.capture_workers, len(pages))
    if workers <= 1:
        return capture(pages, None, out_dir, session=session, expected=expected)
    shares: list[list[ShotRecord]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with BrowserSession(session.settings) as own:
                shares[index] = capture(pages[index::workers], None, out_dir, session=own, expected=expected)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,), name=f"capture-{i}") for i in range(1, workers)]
    for thread in threads:
        thread.start()
    try:
        shares[0] = capture(pages[0::workers], None, out_dir, session=session, expected=expected)
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    order = {page.name: i for i, page in enumerate(pages)}
    return sorted((r for share in shares for r in share), key=lambda r: order[r.page])


def _audit_viewport(viewports: list[Viewport], name: str) -> Viewport:
    named = [v for v in viewports if v.name == name]
    return named[0] if named else max(viewports, key=lambda v: v.width)


def _capture_one(
    session: BrowserSession, page: PageSpec, viewport: Viewport, out_dir: Path, masks: list[str],
    *, audit: bool, first_viewport: bool = True, expected: bytes | None = None,
) -> ShotRecord:
    started = time.perf_counter()
    shot = session.shoot(page.url, viewport, masks=masks, reload=first_viewport, expected=expected)
    path = out_dir / page.name / f"{viewport.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(shot.png)
    overflow_started = time.perf_counter()
    overflow = session.overflow(viewport)
    overflow_ms = ms_since(overflow_started)
    state = session.page_state()
    a11y = session.audit_a11y(page.url) if audit else None
    return ShotRecord(
        page=page.name, viewport=viewport, path=str(path), width=shot.width, height=shot.height,
        stable=shot.stable, shots_taken=shot.shots_taken, network_idle=shot.network_idle,
        attempts=shot.attempts, console_errors=shot.console_errors, page_errors=shot.page_errors,
        overflow=overflow, a11y=a11y, http_status=shot.http_status, state=state,
        timings=ShotTimings(shoot_ms=shot.elapsed_ms, overflow_ms=overflow_ms,
                            a11y_ms=a11y.elapsed_ms if a11y else None, total_ms=ms_since(started)),
    )
