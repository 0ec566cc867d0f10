"""``run_python_tests``: pytest under coverage.py, inside the sandbox, parsed into a CoverageReport."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from grokorc_assets.sandbox import Limits, SandboxResult, run_sandboxed
from grokorc_assets.testrun.bytecode import bytecode_cache
from grokorc_assets.testrun.common import (
    defaults,
    fresh_reports_dir,
    percent,
    read_report,
    report_limits,
    run_outcome_fields,
)
from grokorc_assets.testrun.junit import parse_junit
from grokorc_assets.testrun.models import CoverageReport, FileCoverage, TestCounts

# sigterm=true: on the wall-clock timeout the sandbox sends SIGTERM first, and coverage then still
# saves its data, so a hung test suite reports the coverage it reached instead of nothing.
_RCFILE = """\
[run]
branch = True
data_file = {data_file}
sigterm = True
"""


_REPORT_SCRIPT = """\
import sys
import coverage
cov = coverage.Coverage(config_file=sys.argv[1])
cov.load()
cov.json_report(outfile=sys.argv[2])
cov.html_report(directory=sys.argv[3])
"""


def _coverage_cmd(*args: str, rcfile: Path) -> list[str]:
    # The venv interpreter: it has pytest, coverage and fastapi, and the sandbox binds its prefix.
    return [sys.executable, "-m", "coverage", *args, f"--rcfile={rcfile}"]


def _file_rows(files: dict) -> list[FileCoverage]:
    rows = []
    for path, data in sorted(files.items()):
        s = data["summary"]
        rows.append(FileCoverage(
            path=path, statements=s["num_statements"], missed=s["missing_lines"],
            line_percent=percent(s["covered_lines"], s["num_statements"]),
            branch_percent=percent(s.get("covered_branches", 0), s.get("num_branches", 0)),
        ))
    return rows


def _coverage_figures(text: str | None) -> tuple[dict, list[str]]:
    """Fields of CoverageReport from ``coverage json`` output."""
    if text is None:
        return {"value": 0.0, "measured": False}, ["no coverage JSON (no data collected?)"]
    data = json.loads(text)
    totals = data["totals"]
    fields = {
        # covered/statements rather than coverage.py's percent_covered, which mixes in branches.
        "value": percent(totals["covered_lines"], totals["num_statements"]),
        "branch": percent(totals.get("covered_branches", 0), totals.get("num_branches", 0)),
        "measured": totals["num_statements"] > 0,
        "files": _file_rows(data.get("files", {})),
    }
    if totals["num_statements"] == 0:
        return {**fields, "value": 0.0}, ["no statements measured in the source dirs"]
    return fields, []


def _test_counts(text: str | None) -> tuple[TestCounts, list[str]]:
    if text is None:
        return TestCounts(), ["no JUnit XML (the test run was killed or never started)"]
    try:
        return parse_junit(text), []
    except Exception as exc:  # untrusted file: a parse failure is a finding, not a crash
        return TestCounts(), [f"unreadable JUnit XML: {exc}"]


def _sandboxed(cmd: list[str], project_dir: Path, limits: Limits) -> SandboxResult:
    env = dict(defaults()["python"].get("env") or {})
    cache = bytecode_cache()
    if cache is None:
        return run_sandboxed(cmd, workdir=project_dir, limits=limits, env=env)
    return run_sandboxed(cmd, workdir=project_dir, limits=limits, ro_paths=[cache],
                         env={**env, "PYTHONPYCACHEPREFIX": str(cache)})


def _run_reports(project_dir: Path, reports: Path, rcfile: Path, limits: Limits) -> list[str]:
    """coverage json + html in one interpreter (one start-up fewer), in the sandbox too: they read
    a data file the tests could have forged."""
    cmd = [sys.executable, "-c", _REPORT_SCRIPT, str(rcfile), str(reports / "coverage.json"),
           str(reports / "html")]
    done = _sandboxed(cmd, project_dir, report_limits(limits))
    if done.ok:
        return []
    return [f"coverage reports failed: {done.stderr_tail.strip()[-300:]}"]


def _report(project_dir: Path, reports: Path, run: SandboxResult, started: float,
            notes: list[str]) -> CoverageReport:
    figures, cov_notes = _coverage_figures(read_report(project_dir, reports / "coverage.json"))
    counts, junit_notes = _test_counts(read_report(project_dir, reports / "junit.xml"))
    html = reports / "html" / "index.html"
    return CoverageReport(
        language="python", **figures, **run_outcome_fields(counts, run, started),
        junit_xml=str(reports / "junit.xml") if (reports / "junit.xml").is_file() else None,
        html_report=str(html) if html.is_file() else None,
        coverage_json=str(reports / "coverage.json") if (reports / "coverage.json").is_file() else None,
        notes=run.notes + notes + cov_notes + junit_notes,
    )


def run_python_tests(
    project_dir: Path,
    *,
    source_dirs: Sequence[str],
    test_dir: str,
    limits: Limits | None = None,
) -> CoverageReport:
    """Run ``pytest <test_dir>`` under ``coverage run --branch --source=<source_dirs>``, sandboxed.

    Paths are relative to ``project_dir``. A failing or hanging suite still yields a report.
    """
    limits = limits or Limits()
    project_dir = Path(project_dir).resolve()
    started = time.monotonic()
    reports = fresh_reports_dir(project_dir)
    rcfile = reports / "coveragerc"
    rcfile.write_text(_RCFILE.format(data_file=reports / ".coverage"), encoding="utf-8")
    pytest_args = [test_dir, f"--junitxml={reports / 'junit.xml'}", *defaults()["python"]["pytest_args"]]
    cmd = _coverage_cmd("run", "--branch", f"--source={','.join(source_dirs)}", rcfile=rcfile)
    run = _sandboxed([*cmd, "-m", "pytest", *pytest_args], project_dir, limits)
    notes = _run_reports(project_dir, reports, rcfile, limits)
    return _report(project_dir, reports, run, started, notes)
