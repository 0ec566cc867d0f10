"""The final result of a build (docs/design.md "Final result"): one shape for `report.json`,
`grokorc build --json` and `grokorc report`, composed from asset values and check verdicts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from grokorc_assets.acceptance import acceptance_from_values, acceptance_section
from grokorc_assets.contract import CHECK_METADATA, SLO_CHECKS, AssetName, Severity, SloMetadata

Status = Literal["success", "blocked", "failed"]


class CheckOutcome(BaseModel):
    name: str
    passed: bool
    severity: Severity
    metadata: dict[str, Any]


def ui_section(ui: dict | None) -> dict:
    if ui is None:
        return {"applicable": None, "reason": "not built in this run", "pages": [], "components_generated": 0}
    return {
        "applicable": ui.get("applicable"),
        "reason": ui.get("reason"),
        "pages": [p["path"] for p in ui.get("pages", [])],
        "components_generated": ui.get("components_generated", 0),
    }


def visual_section(visual: dict | None) -> dict:
    if visual is None:
        return {"applicable": None, "degraded": False, "reason": "not run", "total": 0, "passed": 0, "failed": 0,
                "new": 0, "max_diff_ratio": 0.0, "a11y": {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}}
    keys = ("applicable", "degraded", "reason", "total", "passed", "failed", "new", "max_diff_ratio", "a11y",
            "overflow_failures")
    return {k: visual.get(k) for k in keys if k in visual}


def conflicts_section(conflicts: dict | None) -> dict:
    if conflicts is None:
        return {"conflicts_detected": None, "conflicts_resolved": None, "items": []}
    return {k: conflicts.get(k) for k in ("conflicts_detected", "conflicts_resolved", "items")}


def coverage_section(coverage: dict | None) -> dict:
    if coverage is None:
        return {"value": None, "branch": None, "tests_passed": 0, "tests_failed": 0, "duration_seconds": None}
    keys = ("value", "branch", "tests_passed", "tests_failed", "tests_errored", "duration_seconds", "timed_out",
            "sandbox_mode", "failures")
    return {k: coverage.get(k) for k in keys if k in coverage}


def slos_section(checks: dict[str, CheckOutcome], thresholds: dict[str, float]) -> dict:
    def verdict(key: str) -> SloMetadata | None:
        check = checks.get(SLO_CHECKS[key])
        return None if check is None else CHECK_METADATA[SLO_CHECKS[key]].read(check.metadata)

    def outcome(key: str) -> tuple[Any, bool | None]:
        found = verdict(key)
        return (None, None) if found is None else (found.value, found.breach)

    cost, cost_breach = outcome("cost")
    cost_check = verdict("cost")
    per_asset = (cost_check.computed_from or {}).get("per_asset") if cost_check else None
    latency, latency_breach = outcome("latency")
    coverage, coverage_breach = outcome("coverage")
    confidence, confidence_breach = outcome("confidence")
    breaches = [cost_breach, latency_breach, coverage_breach, confidence_breach]
    return {
        # Compliant only when all four were evaluated and none breached.
        "compliant": all(b is False for b in breaches),
        "cost": {"tokens": cost_check.tokens if cost_check else None, "estimated_cost": cost,
                 "threshold": thresholds["cost"], "breach": cost_breach,
                 "per_asset": per_asset},
        "latency": {"duration_seconds": latency, "threshold_seconds": thresholds["latency"],
                    "breach": latency_breach},
        "coverage": {"value": coverage, "threshold": thresholds["coverage"], "breach": coverage_breach},
        "confidence": {"value": confidence, "threshold": thresholds["confidence"], "breach": confidence_breach},
    }


def build_status(checks: dict[str, CheckOutcome], delivered: bool) -> Status:
    if delivered:
        return "success"
    if any(not c.passed and c.severity == "ERROR" for c in checks.values()):
        return "blocked"
    return "failed"


def final_result(
    *, status: Status, project_id: str, revision: int, values: dict[str, dict | None],
    checks: dict[str, CheckOutcome], thresholds: dict[str, float], run_id: str, duration_seconds: float,
    assets: dict[str, dict],
) -> dict:
    blocking = sorted(c.name for c in checks.values() if not c.passed and c.severity == "ERROR")
    warnings = sorted(c.name for c in checks.values() if not c.passed and c.severity == "WARN")
    return {
        "status": status,
        "project_id": project_id,
        "revision": revision,
        "plan": values.get(AssetName.PLAN),
        "ui": ui_section(values.get(AssetName.UI)),
        "visual_tests": visual_section(values.get(AssetName.VISUAL_TEST)),
        "conflicts": conflicts_section(values.get(AssetName.CONFLICTS)),
        "coverage": coverage_section(values.get(AssetName.COVERAGE)),
        "acceptance": acceptance_section(acceptance_from_values(
            values.get(AssetName.PLAN), values.get(AssetName.COVERAGE), values.get(AssetName.VISUAL_TEST))),
        "slos": slos_section(checks, thresholds),
        "checks": {name: {"passed": c.passed, "severity": c.severity} for name, c in sorted(checks.items())},
        "blocked_by": blocking,
        "warnings": warnings,
        "execution": {"run_id": run_id, "duration_seconds": round(duration_seconds, 2), "assets": assets},
    }
