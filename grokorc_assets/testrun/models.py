"""The result of a generated project's test run: typed, JSON-ready (docs/design.md "Final result", ``coverage``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.sandbox.config import Mode


class FileCoverage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    statements: int | None = Field(default=None, description="statements (python) / lines (node)")
    missed: int | None = None
    line_percent: float
    branch_percent: float | None = None
    functions_percent: float | None = None


class TestFailure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __test__ = False  # not a pytest class, despite the name

    test_id: str
    kind: Literal["failure", "error"] = "failure"
    message: str = Field(description="first lines of the failure message")


class TestCounts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __test__ = False

    passed: int = 0
    failed: int = 0
    errored: int = 0
    skipped: int = 0
    failures: list[TestFailure] = Field(default_factory=list)
    passed_tests: list[str] = Field(default_factory=list)  # "tests.test_x::test_name", for acceptance


class CoverageReport(BaseModel):
    """Coverage + test outcome of one sandboxed run. ``value`` is the line coverage in percent."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["python", "javascript"]
    value: float = Field(description="line coverage %, 0.0 when nothing was measured")
    branch: float | None = Field(default=None, description="branch coverage %")
    functions: float | None = Field(default=None, description="function coverage % (node only)")
    measured: bool = Field(description="False when no coverage data came out of the run")
    files: list[FileCoverage] = Field(default_factory=list)
    tests_passed: int = 0
    tests_failed: int = 0
    tests_errored: int = 0
    tests_skipped: int = 0
    failures: list[TestFailure] = Field(default_factory=list)
    passed_tests: list[str] = Field(default_factory=list)
    duration_seconds: float
    timed_out: bool = False
    exit_code: int | None = None
    killed_by: str | None = None
    sandbox_mode: Mode
    junit_xml: str | None = None
    html_report: str | None = None
    coverage_json: str | None = None
    tap_report: str | None = None
    lcov_report: str | None = None
    output_tail: str = ""
    notes: list[str] = Field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The ``coverage`` section of the final result (docs/design.md "Final result")."""
        return {
            "value": self.value, "branch": self.branch, "tests_passed": self.tests_passed,
            "tests_failed": self.tests_failed, "duration_seconds": self.duration_seconds,
            "tests_errored": self.tests_errored, "tests_skipped": self.tests_skipped,
            "timed_out": self.timed_out, "sandbox_mode": self.sandbox_mode,
        }
