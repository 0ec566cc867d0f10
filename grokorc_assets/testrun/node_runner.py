"""``run_node_tests``: ``node --test --experimental-test-coverage`` (Node 20), sandboxed and parsed.

Node 20 has no include/exclude for coverage, and its "all files" row counts the test files too, so
the headline figures are recomputed from the lcov reporter's counts over the source dirs only; the
printed table still supplies the per-file function percentages and a fallback.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from grokorc_assets.sandbox import Limits, run_sandboxed
from grokorc_assets.testrun.common import (
    defaults,
    first_lines,
    fresh_reports_dir,
    percent,
    read_report,
    run_outcome_fields,
)
from grokorc_assets.testrun.models import CoverageReport, FileCoverage, TestCounts, TestFailure

_TABLE_ROW = re.compile(
    r"^#\s+(?P<file>\S.*?)\s*\|\s*(?P<line>[\d.]+)\s*\|\s*(?P<branch>[\d.]+)\s*\|\s*(?P<funcs>[\d.]+)\s*\|"
)
_NOT_OK = re.compile(r"^(?P<indent>\s*)not ok \d+ - (?P<name>.*?)(?: # (?:SKIP|TODO).*)?$")
_SUMMARY = re.compile(r"^# (?P<key>tests|pass|fail|cancelled|skipped|todo) (?P<n>\d+)$")


def parse_coverage_table(text: str) -> dict[str, tuple[float, float, float]]:
    """{file: (line %, branch %, funcs %)} from the table node prints; key "all files" included."""
    rows: dict[str, tuple[float, float, float]] = {}
    inside = False
    for line in text.splitlines():
        if "start of coverage report" in line:
            inside = True
        elif "end of coverage report" in line:
            inside = False
        elif inside and (m := _TABLE_ROW.match(line)) and m["file"] != "file":
            rows[m["file"]] = (float(m["line"]), float(m["branch"]), float(m["funcs"]))
    return rows


def parse_lcov(text: str) -> dict[str, dict[str, int]]:
    """{source file: {LF, LH, BRF, BRH, FNF, FNH}} from an lcov tracefile."""
    files: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "SF":
            current = files.setdefault(value, {})
        elif current is not None and key in {"LF", "LH", "BRF", "BRH", "FNF", "FNH"}:
            current[key] = int(value)
    return files


def _yaml_block(lines: list[str], start: int) -> list[str]:
    block = []
    for line in lines[start:]:
        if line.strip() == "...":
            break
        block.append(line)
    return block


def _error_text(block: list[str]) -> str:
    """The ``error:`` field of a TAP YAML diagnostic block (inline or ``|-`` literal)."""
    for i, line in enumerate(block):
        key, _, value = line.strip().partition(":")
        if key == "error":
            value = value.strip()
            if value not in {"|-", "|", ">-", ">"}:
                return value.strip("'\"")
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            body = []
            for b in block[i + 1:]:
                if b.strip() and not b.startswith(indent):
                    break  # the next key of the diagnostic block
                body.append(b[len(indent):])
            return "\n".join(body)
    return ""


def parse_tap(text: str, root: str = "") -> TestCounts:
    """Counts from the TAP summary; failures from ``not ok`` lines, minus suites that only failed
    because a subtest did (node's ``subtestsFailed``). ``root`` is stripped from test locations."""
    lines = text.splitlines()
    summary: dict[str, int] = {}
    failures = []
    for i, line in enumerate(lines):
        if m := _SUMMARY.match(line):
            summary[m["key"]] = int(m["n"])
        elif m := _NOT_OK.match(line):
            block = _yaml_block(lines, i + 1)
            if any("subtestsFailed" in b for b in block):
                continue
            location = next((b.split("location:", 1)[1].strip().strip("'\"") for b in block
                             if b.strip().startswith("location:")), "")
            location = location.removeprefix(root.rstrip("/") + "/") if root else location
            test_id = f"{location}::{m['name']}" if location else m["name"]
            message = first_lines(_error_text(block) or m["name"])
            failures.append(TestFailure(test_id=test_id, message=message))
    return TestCounts(passed=summary.get("pass", 0), failed=summary.get("fail", 0),
                      errored=summary.get("cancelled", 0),
                      skipped=summary.get("skipped", 0) + summary.get("todo", 0), failures=failures)


def _in_sources(path: str, source_dirs: Sequence[str]) -> bool:
    return any(Path(path).is_relative_to(Path(src)) for src in source_dirs)


def _coverage_fields(lcov: dict[str, dict[str, int]], table: dict[str, tuple[float, float, float]],
                     source_dirs: Sequence[str]) -> tuple[dict, list[str]]:
    picked = {path: c for path, c in lcov.items() if _in_sources(path, source_dirs)}
    if not picked:
        if "all files" in table:  # no lcov: the table's overall row (includes test files)
            line, branch, funcs = table["all files"]
            note = "no lcov counts for the source dirs: figures from node's table, test files included"
            return {"value": line, "branch": branch, "functions": funcs, "measured": True}, [note]
        return {"value": 0.0, "measured": False}, ["no node coverage data"]
    files = [FileCoverage(path=path, statements=c.get("LF", 0), missed=c.get("LF", 0) - c.get("LH", 0),
                          line_percent=percent(c.get("LH", 0), c.get("LF", 0)),
                          branch_percent=percent(c.get("BRH", 0), c.get("BRF", 0)),
                          functions_percent=table.get(path, (None, None, None))[2])
             for path, c in sorted(picked.items())]
    keys = ("LF", "LH", "BRF", "BRH", "FNF", "FNH")
    total = {key: sum(c.get(key, 0) for c in picked.values()) for key in keys}
    return {"value": percent(total["LH"], total["LF"]), "branch": percent(total["BRH"], total["BRF"]),
            "functions": percent(total["FNH"], total["FNF"]), "measured": total["LF"] > 0,
            "files": files}, []


def run_node_tests(
    project_dir: Path,
    *,
    source_dirs: Sequence[str] = ("src",),
    test_dir: str = "test",
    limits: Limits | None = None,
) -> CoverageReport:
    """Run ``node --test`` with coverage on ``test_dir`` (relative to ``project_dir``), sandboxed."""
    limits = limits or Limits()
    project_dir = Path(project_dir).resolve()
    started = time.monotonic()
    reports = fresh_reports_dir(project_dir)
    node = shutil.which(defaults()["node"]["binary"]) or defaults()["node"]["binary"]
    tap, lcov = reports / "tap.txt", reports / "lcov.info"
    cmd = [node, "--test", "--experimental-test-coverage",
           "--test-reporter=tap", f"--test-reporter-destination={tap}",
           "--test-reporter=lcov", f"--test-reporter-destination={lcov}",
           "--test-reporter=spec", "--test-reporter-destination=stdout", test_dir]
    run = run_sandboxed(cmd, workdir=project_dir, limits=limits, ro_paths=[Path(node).parent])
    tap_text = read_report(project_dir, tap) or ""
    counts = parse_tap(tap_text, root=str(project_dir))
    fields, notes = _coverage_fields(parse_lcov(read_report(project_dir, lcov) or ""),
                                     parse_coverage_table(tap_text), source_dirs)
    if not tap_text:
        notes.append("no TAP output (the test run was killed or never started)")
    return CoverageReport(
        language="javascript", **fields, **run_outcome_fields(counts, run, started),
        tap_report=str(tap) if tap.is_file() else None, lcov_report=str(lcov) if lcov.is_file() else None,
        notes=run.notes + notes,
    )
