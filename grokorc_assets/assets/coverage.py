"""`coverage`: the generated project's own tests, run sandboxed under coverage (after conflict mediation)."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from pathlib import Path

from dagster import AssetExecutionContext, asset

from grokorc_assets.assets.metadata import dagster_metadata, markdown_table
from grokorc_assets.contract import CoverageMetadata, CoverageValue
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.telemetry.steps import traced_step
from grokorc_assets.telemetry.tracing import set_slo_attributes
from grokorc_assets.testrun import run_python_tests


@asset(
    partitions_def=projects_partitions,
    group_name="verification",
    kinds={"python", "pytest"},
    description="Line and branch coverage of the generated project's tests, run in a sandbox.",
)
@traced_step
def coverage(context: AssetExecutionContext, conflicts: dict, backend: dict) -> dict:
    project = Path(conflicts["project_dir"])
    # The backend agent says where its tests run; source and tests are relative to that directory.
    test_cwd = project / (backend.get("test_cwd") or "backend")
    report = run_python_tests(test_cwd, source_dirs=["app"], test_dir="tests")
    set_slo_attributes(coverage=report.value)
    files = [[f.path, f.statements, f.missed, f"{f.line_percent:.1f}",
              "" if f.branch_percent is None else f"{f.branch_percent:.1f}"] for f in report.files]
    failures = [f"- `{f.test_id}`: {f.message.splitlines()[0] if f.message else f.kind}" for f in report.failures]
    context.add_output_metadata(dagster_metadata(CoverageMetadata(
        coverage_percent=report.value,
        branch_percent=report.branch if report.branch is not None else 0.0,
        **report.model_dump(include={"tests_passed", "tests_failed", "tests_errored", "duration_seconds", "timed_out"}),
        sandbox=report.sandbox_mode,
        files=markdown_table(["file", "statements", "missed", "line %", "branch %"], files),
        failures="\n".join(failures) or "none",
        junit_xml=str(report.junit_xml or ""),
        html_report=str(report.html_report or ""),
    )))
    return CoverageValue(
        **report.summary(),
        files=[f.model_dump() for f in report.files],
        failures=[f.model_dump() for f in report.failures],
        passed_tests=report.passed_tests,
        junit=str(report.junit_xml or ""),
        html=str(report.html_report or ""),
    ).model_dump()
