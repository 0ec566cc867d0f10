"""Helpers shared by the Python and Node runners: config, report paths, failure text."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.sandbox import Limits

# Reports are produced by untrusted code: never read more than this from one of them.
MAX_REPORT_BYTES = 32 * 1024 * 1024


def defaults() -> dict[str, Any]:
    return load_yaml("grokorc_assets.testrun", "defaults.yaml")


def fresh_reports_dir(project_dir: Path) -> Path:
    """An empty reports dir, so figures from an earlier run can never be reported as this one's."""
    reports = project_dir / defaults()["reports_dir"]
    if reports.is_symlink() or reports.is_file():
        reports.unlink()
    elif reports.exists():
        shutil.rmtree(reports)
    reports.mkdir()
    return reports


def read_report(project_dir: Path, path: Path) -> str | None:
    """Text of a report the sandboxed run wrote, or None.

    The run may have swapped the file (or a parent) for a symlink to, say, /etc/shadow; we read as
    root, so only regular files whose real path stays inside the project are accepted.
    """
    real = Path(os.path.realpath(path))
    if path.is_symlink() or not real.is_file():
        return None
    if Path(os.path.realpath(project_dir)) not in real.parents:
        return None
    with open(real, "rb") as handle:
        return handle.read(MAX_REPORT_BYTES).decode("utf-8", errors="replace")


def first_lines(text: str, count: int | None = None) -> str:
    count = count or defaults()["failure_lines"]
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines[:count])


def report_limits(limits: Limits) -> Limits:
    """Limits for the report steps: the same, with the wall clock capped."""
    cap = float(defaults()["report_wall_seconds"])
    return limits.model_copy(update={"wall_seconds": min(limits.wall_seconds, cap)})


def percent(covered: int, total: int) -> float:
    """covered/total in percent, 2 decimals; 100 when there is nothing to cover (coverage.py's rule)."""
    return round(covered / total * 100, 2) if total else 100.0


def run_outcome_fields(counts: Any, run: Any, started: float) -> dict[str, Any]:
    """The CoverageReport fields every language's runner fills the same way: the test counts (from
    JUnit or TAP) and how the sandboxed run went."""
    return {
        "tests_passed": counts.passed, "tests_failed": counts.failed, "tests_errored": counts.errored,
        "tests_skipped": counts.skipped, "failures": counts.failures, "passed_tests": counts.passed_tests,
        "duration_seconds": round(time.monotonic() - started, 3), "timed_out": run.timed_out,
        "exit_code": run.exit_code, "killed_by": run.killed_by, "sandbox_mode": run.mode,
        "output_tail": (run.stdout_tail + run.stderr_tail)[-4000:],
    }
