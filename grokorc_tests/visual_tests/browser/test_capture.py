"""capture(): files, sizes, one audit per page at desktop, overflow per viewport, timings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from grokorc_assets.visual.browser import BrowserSession, VisualBrowserError
from grokorc_assets.visual.browser_models import PageSpec, Viewport
from grokorc_assets.visual.capture import capture, capture_in_parallel
from grokorc_assets.visual.png import decode_png


def test_capture_three_viewports_per_page(session: BrowserSession, site: dict[str, str],
                                          tmp_path: Path) -> None:
    pages = [PageSpec(name="home", url=site["clean"]), PageSpec(name="report", url=site["wide"]),
             PageSpec(name="quote", url=site["random"], masks=["#rand"])]
    records = capture(pages, None, tmp_path, session=session)

    assert len(records) == 9
    for record in records:
        path = tmp_path / record.page / f"{record.viewport.name}.png"
        assert record.path == str(path)
        assert decode_png(path.read_bytes()).shape == (record.viewport.height, record.viewport.width, 4)
        assert record.stable and record.timings.shoot_ms > 0
        assert record.timings.total_ms >= record.timings.shoot_ms

    audited = [(r.page, r.viewport.name) for r in records if r.a11y is not None]
    assert audited == [("home", "desktop"), ("report", "desktop"), ("quote", "desktop")]
    assert all(r.timings.a11y_ms for r in records if r.a11y is not None)

    overflow = {(r.page, r.viewport.name): r.overflow.overflowing for r in records}
    assert overflow[("report", "mobile")] and overflow[("report", "desktop")]
    assert not any(overflow[("home", v)] for v in ("mobile", "tablet", "desktop"))
    # The page mask came from PageSpec: the random quote is shot identically twice.
    again = capture(pages[2:], [Viewport(name="mobile", width=375, height=667)], tmp_path / "again",
                    session=session)
    assert Path(again[0].path).read_bytes() == (tmp_path / "quote" / "mobile.png").read_bytes()
    # Records are plain data for report.json.
    assert json.loads(records[0].model_dump_json())["viewport"]["width"] == 375


def test_viewports_are_overridable_and_audit_falls_back_to_the_widest(session: BrowserSession,
                                                                       site: dict[str, str],
                                                                       tmp_path: Path) -> None:
    viewports = [Viewport(name="watch", width=200, height=200),
                 Viewport(name="laptop", width=1280, height=720)]
    records = capture([PageSpec(name="home", url=site["clean"])], viewports, tmp_path, session=session)
    assert [(r.viewport.name, r.width, r.height) for r in records] == [("watch", 200, 200),
                                                                      ("laptop", 1280, 720)]
    assert [r.a11y is not None for r in records] == [False, True]


def test_unsafe_names_are_rejected() -> None:
    with pytest.raises(ValidationError):
        PageSpec(name="../escape", url="file:///x")
    with pytest.raises(ValidationError):
        Viewport(name="a/b", width=10, height=10)


def test_pages_are_captured_by_two_browsers_side_by_side(session: BrowserSession, site: dict[str, str],
                                                         tmp_path: Path) -> None:
    """capture_in_parallel: pages dealt to two browsers (this thread's session and one more in its own
    thread), records back in page order, the same files and audits as one browser gives."""
    pages = [PageSpec(name="home", url=site["clean"]), PageSpec(name="report", url=site["wide"]),
             PageSpec(name="quote", url=site["random"], masks=["#rand"])]
    original = session.settings
    session.settings = original.with_overrides(capture_workers=2)
    try:
        records = capture_in_parallel(pages, tmp_path, session=session)
    finally:
        session.settings = original
    assert [r.page for r in records] == [p for p in ("home", "report", "quote") for _ in range(3)]
    assert all((tmp_path / r.page / f"{r.viewport.name}.png").is_file() and r.stable for r in records)
    assert [(r.page, r.viewport.name) for r in records if r.a11y is not None] == [
        ("home", "desktop"), ("report", "desktop"), ("quote", "desktop")]


def test_an_error_in_the_other_browser_reaches_the_caller(session: BrowserSession, site: dict[str, str],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # This session's Chromium is running; the other thread's session resolves a missing one.
    monkeypatch.setenv("GROKORC_CHROMIUM", "/nonexistent/chromium")
    original = session.settings
    session.settings = original.with_overrides(capture_workers=2, retries=0, launch_timeout_s=5)
    pages = [PageSpec(name="one", url=site["clean"]), PageSpec(name="two", url=site["clean"])]
    try:
        with pytest.raises(VisualBrowserError):
            capture_in_parallel(pages, tmp_path, session=session)
    finally:
        session.settings = original
