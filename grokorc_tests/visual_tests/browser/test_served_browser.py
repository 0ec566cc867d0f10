"""The served app and the browser, started side by side for visual_test: both run, and both are
stopped afterwards whichever of them (or the caller) failed."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from grokorc_assets.serve import ServeError
from grokorc_assets.visual.browser_models import Viewport
from grokorc_assets.visual.served_browser import served_with_browser
from grokorc_tests.serve_tests.apps import write_project

DESKTOP = Viewport(name="desktop", width=800, height=600)


def _gone(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_browser_shoots_the_app_served_beside_it_and_both_stop(tmp_path: Path) -> None:
    with served_with_browser(write_project(tmp_path / "project")) as (served, session):
        shot = session.shoot(f"{served.url}/", DESKTOP)
        assert shot.http_status == 200 and (shot.width, shot.height) == (800, 600)
        server_pid, browser_pid = served.pid, session.browser_pid
        assert served.alive() and browser_pid is not None
    assert not served.alive() and _gone(server_pid) and _gone(browser_pid)


def test_a_project_that_cannot_be_served_closes_the_browser(tmp_path: Path) -> None:
    launched = []
    with pytest.raises(ServeError, match="no backend/app/main.py"):
        with served_with_browser(tmp_path) as (_served, session):
            launched.append(session)  # never reached
    assert launched == []
    chromes = [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]
    assert all(_gone(p.pid) for p in chromes)


def test_an_error_in_the_body_stops_both(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="shoot failed"):
        with served_with_browser(write_project(tmp_path / "project")) as (served, session):
            server_pid, browser_pid = served.pid, session.browser_pid
            raise RuntimeError("shoot failed")
    assert _gone(server_pid) and _gone(browser_pid)
