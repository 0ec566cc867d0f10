"""Chromium's OS processes: which executable to launch, finding the pids Playwright hides, killing them.

Only psutil here, never a Playwright object: the session's watchdog thread calls these.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import psutil

__all__ = ["DEFAULT_CHROMIUM", "alive", "descendants", "find_new", "is_browser_main", "kill_tree", "resolve_chromium"]

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def resolve_chromium() -> str | None:
    """GROKORC_CHROMIUM, else the system Chromium, else None (Playwright's managed browser)."""
    override = os.environ.get("GROKORC_CHROMIUM", "").strip()
    if override:
        return override  # an explicit choice wins, even if broken: launch then says why
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def descendants() -> dict[int, psutil.Process]:
    return {p.pid: p for p in psutil.Process().children(recursive=True)}


def is_browser_main(proc: psutil.Process) -> bool:
    """Chromium's main process: a chromium binary without ``--type=`` (renderers, zygotes have one)."""
    try:
        cmdline = proc.cmdline()
        name = proc.name()
    except psutil.Error:
        return False
    is_chromium = "chrom" in name.lower() or bool(cmdline and "chrom" in cmdline[0].lower())
    return is_chromium and not any(arg.startswith("--type=") for arg in cmdline)


def find_new(
    before: dict[int, psutil.Process], wanted: Callable[[psutil.Process], bool],
) -> psutil.Process | None:
    # Playwright exposes neither the driver's nor the browser's pid: take the newest process below
    # us that was not there before. (Two sessions launching at once in one process could confuse it.)
    fresh = [p for pid, p in descendants().items() if pid not in before and wanted(p)]
    return max(fresh, key=_create_time, default=None)


def _create_time(proc: psutil.Process) -> float:
    try:
        return proc.create_time()
    except psutil.Error:
        return 0.0


def kill_tree(proc: psutil.Process | None) -> None:
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


def alive(proc: psutil.Process | None) -> bool:
    try:
        return proc is not None and proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
