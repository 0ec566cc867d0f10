"""Crash and hang resilience against a real Chromium: killed, hung, missing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil
import pytest

from grokorc_assets.visual.browser import BrowserSession, BrowserUnavailableError, VisualPageError
from grokorc_assets.visual.browser_models import PageSpec, ShotRecord
from grokorc_assets.visual.browser_processes import resolve_chromium
from grokorc_assets.visual.capture import capture

from .conftest import CLEAN, LocalServer, Route, fast_fail_settings


def _chromium_descendants() -> list[psutil.Process]:
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name().lower() and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            pass
    return found


def test_killing_the_browser_between_shots_is_recovered(site: dict[str, str], tmp_path: Path) -> None:
    pages = [PageSpec(name="clean", url=site["clean"]), PageSpec(name="wide", url=site["wide"])]
    killed: list[int] = []

    with BrowserSession(fast_fail_settings()) as session:
        def kill_after_second(record: ShotRecord) -> None:
            if len(killed) == 0 and record.viewport.name == "tablet":
                killed.append(session.browser_pid)
                os.kill(session.browser_pid, signal.SIGKILL)

        records = capture(pages, None, tmp_path, session=session, on_record=kill_after_second)
        new_pid = session.browser_pid
        launches, recoveries = session.launches, session.recoveries

    assert killed and new_pid not in (None, killed[0])
    assert not psutil.pid_exists(killed[0]) or psutil.Process(killed[0]).status() == psutil.STATUS_ZOMBIE
    assert (launches, recoveries) == (2, 1)
    assert [(r.page, r.viewport.name) for r in records] == [
        (p, v) for p in ("clean", "wide") for v in ("mobile", "tablet", "desktop")]
    # Only the shot right after the kill may have needed a second attempt (if the death was noticed
    # by a failing call rather than by the liveness check before it).
    assert [r.attempts for r in records[:2] + records[3:]] == [1] * 5
    assert records[2].attempts in (1, 2)
    for record in records:
        assert Path(record.path).is_file()
        assert (record.width, record.height) == (record.viewport.width, record.viewport.height)
    assert sum(r.a11y is not None for r in records) == 2


def test_killing_the_browser_mid_navigation_is_recovered(server: LocalServer, tmp_path: Path) -> None:
    """The server kills Chromium while it is waiting for the page: the kill lands inside goto."""
    with BrowserSession(fast_fail_settings()) as session:
        first_pid = session.browser_pid

        def kill_on_first_hit(hit: int) -> None:
            if hit == 1:
                os.kill(first_pid, signal.SIGKILL)

        server.routes["/victim"] = Route(CLEAN, before=kill_on_first_hit)
        server.routes["/after"] = Route(CLEAN)
        records = capture([PageSpec(name="victim", url=server.url("/victim")),
                           PageSpec(name="after", url=server.url("/after"))],
                          None, tmp_path, session=session)
        assert session.browser_pid != first_pid
        assert session.recoveries == 1

    assert len(records) == 6 and records[0].attempts == 2
    assert server.hits["/victim"] >= 2
    assert all(Path(r.path).is_file() for r in records)


def test_hanging_response_is_retried_after_a_relaunch(server: LocalServer) -> None:
    def hang_first_time(hit: int) -> None:
        if hit == 1:
            server.release.wait()  # never answered before the navigation timeout

    server.routes["/slow"] = Route(CLEAN, before=hang_first_time)
    settings = fast_fail_settings(navigation_timeout_s=2)
    with BrowserSession(settings) as session:
        shot = session.shoot(server.url("/slow"), settings.viewports[0])
        assert (shot.attempts, session.recoveries, session.launches) == (2, 1, 2)
    assert shot.stable and shot.width == 375


def test_page_that_always_hangs_gives_up_with_a_clear_error(site: dict[str, str]) -> None:
    # Playwright's own screenshot timeout is long here: the watchdog must be what ends each attempt.
    settings = fast_fail_settings(action_timeout_s=60, operation_timeout_s=2, retries=2)
    with BrowserSession(settings) as session:
        with pytest.raises(BrowserUnavailableError) as failure:
            session.shoot(site["hang"], settings.viewports[0])
        message = str(failure.value)
        assert "unavailable after 3 attempts" in message
        # Each attempt ended by the watchdog; on a loaded machine a relaunch can itself be what hangs,
        # which is reported as the browser dying, so count the attempts, not one wording.
        assert message.count("attempt ") == 3 and "hung past 2s" in message
        assert session.recoveries == 3
        # The session is still usable afterwards: the next operation relaunches.
        session.settings = settings.with_overrides(operation_timeout_s=60)
        assert session.shoot(site["clean"], settings.viewports[0]).stable


def test_broken_page_is_not_retried(site: dict[str, str], tmp_path: Path) -> None:
    with BrowserSession(fast_fail_settings()) as session:
        with pytest.raises(VisualPageError, match="ERR_FILE_NOT_FOUND"):
            session.shoot((tmp_path / "missing.html").as_uri(), session.settings.viewports[0])
        assert (session.recoveries, session.launches) == (0, 1)


def test_missing_executable_raises_browser_unavailable(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-chromium")
    session = BrowserSession(fast_fail_settings(retries=1), executable_path=missing)
    with pytest.raises(BrowserUnavailableError, match="unavailable after 2 attempts") as failure:
        session.start()
    assert missing in str(failure.value)
    session.close()


def test_sessions_leave_no_chromium_behind(site: dict[str, str]) -> None:
    before = {p.pid for p in _chromium_descendants()}
    with BrowserSession(fast_fail_settings()) as session:
        session.shoot(site["clean"], session.settings.viewports[0])
        os.kill(session.browser_pid, signal.SIGKILL)
        session.shoot(site["clean"], session.settings.viewports[0])
    gone, alive = psutil.wait_procs([p for p in _chromium_descendants() if p.pid not in before], timeout=10)
    assert alive == []


def test_resolve_chromium_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROKORC_CHROMIUM", "/opt/custom/chromium")
    assert resolve_chromium() == "/opt/custom/chromium"
    monkeypatch.delenv("GROKORC_CHROMIUM")
    assert resolve_chromium() == "/usr/bin/chromium"  # the Debian package on these machines
    monkeypatch.setenv("GROKORC_CHROMIUM", "")
    assert resolve_chromium() == "/usr/bin/chromium"
