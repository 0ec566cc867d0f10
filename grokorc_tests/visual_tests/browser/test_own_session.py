"""capture() with no session given, and the one-session-per-thread rule.

Separate module: Playwright's sync API allows one instance per thread, so these tests must not
run while another module's shared session is open.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grokorc_assets.visual.browser import BrowserSession, VisualBrowserError
from grokorc_assets.visual.browser_models import PageSpec, Viewport
from grokorc_assets.visual.capture import capture

from .conftest import CLEAN, write_page


def test_capture_without_a_session_opens_and_closes_its_own(tmp_path: Path) -> None:
    url = write_page(tmp_path, "home", CLEAN)
    records = capture([PageSpec(name="home", url=url)], [Viewport(name="mobile", width=375, height=667)],
                      tmp_path / "out")
    assert len(records) == 1 and records[0].a11y is not None
    assert (tmp_path / "out" / "home" / "mobile.png").is_file()
    # Its browser is closed: a new session can start in this thread.
    with BrowserSession() as again:
        assert again.launches == 1


def test_second_session_in_the_same_thread_is_refused_clearly() -> None:
    with BrowserSession() as first:
        second = BrowserSession()
        with pytest.raises(VisualBrowserError, match="one BrowserSession per thread"):
            second.start()
        second.close()
        assert second.launches == 0 and second.recoveries == 0
        assert first.browser_pid is not None
