"""`acceptance` (ERROR, blocking): every acceptance criterion of the plan has a passing test.

It sits on `coverage`, where the generated project's own tests ran, and reads the browser probes of
`visual_test` and the plan's criteria and unmet items: a project that ignores the request is not
delivered however well its tests cover it.
"""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import AssetCheckExecutionContext, AssetCheckResult

from grokorc_assets.acceptance import acceptance_from_values
from grokorc_assets.assets.metadata import markdown_table
from grokorc_assets.checks.declare import check_result, grokorc_check
from grokorc_assets.contract import AcceptanceMetadata, CheckName
from grokorc_assets.telemetry.steps import traced_step


@grokorc_check(CheckName.ACCEPTANCE,
               "Every acceptance criterion of the plan has a passing test; nothing requested is unmet (ERROR).")
@traced_step
def acceptance(context: AssetCheckExecutionContext, coverage: dict, plan: dict, visual_test: dict) -> AssetCheckResult:
    report = acceptance_from_values(plan, coverage, visual_test)
    rows = [[c.id, c.feature, c.verify, "pass" if c.passed else "FAIL", c.text, c.test or c.detail]
            for c in report.criteria]
    rows += [["unmet", u.what, "-", "FAIL", u.reason, ""] for u in report.unmet]
    return check_result(CheckName.ACCEPTANCE, not report.breach, AcceptanceMetadata(
        value=report.passed, threshold=report.total, breach=report.breach,
        failed=report.total - report.passed, unmet=len(report.unmet),
        criteria=markdown_table(["id", "feature", "verified by", "outcome", "criterion", "test / why"], rows)
        if rows else "none",
        computed_from={"plan_criteria": len(report.criteria), "tests_passed": coverage.get("tests_passed", 0),
                       "browser_probes": len((visual_test or {}).get("acceptance") or [])},
    ))


acceptance_checks = [acceptance]
