"""`visual_regression` (WARN) and `accessibility` (ERROR on critical or serious violations), on
`visual_test`."""
# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.

from dagster import AssetCheckExecutionContext, AssetCheckResult

from grokorc_assets.checks.declare import check_result, grokorc_check
from grokorc_assets.contract import CheckMetadata, CheckName
from grokorc_assets.telemetry.steps import traced_step


@grokorc_check(CheckName.VISUAL_REGRESSION,
               "No shot differs from its baseline beyond tolerance, no page is broken, none overflows (WARN).")
@traced_step
def visual_regression(context: AssetCheckExecutionContext, visual_test: dict) -> AssetCheckResult:
    failed, overflow = visual_test.get("failed", 0), visual_test.get("overflow_failures", 0)
    # Broken pages are already in `failed` (their shots count as failed); counted apart for the reader.
    broken = visual_test.get("broken_pages", 0)
    breach = bool(failed or overflow or broken)
    return check_result(CheckName.VISUAL_REGRESSION, not breach, CheckMetadata(
        value=failed + overflow, threshold=0, breach=breach, failed_shots=failed, overflowing_shots=overflow,
        broken_pages=broken, max_diff_ratio=visual_test.get("max_diff_ratio", 0.0),
    ))


@grokorc_check(CheckName.ACCESSIBILITY, "axe-core finds no critical or serious violation on any page (ERROR).")
@traced_step
def accessibility(context: AssetCheckExecutionContext, visual_test: dict) -> AssetCheckResult:
    counts = visual_test.get("a11y") or {}
    severe = counts.get("critical", 0) + counts.get("serious", 0)
    return check_result(CheckName.ACCESSIBILITY, severe == 0, CheckMetadata(
        value=severe, threshold=0, breach=severe > 0, **{k: int(v) for k, v in counts.items()},
    ))


visual_checks = [visual_regression, accessibility]
