"""The acceptance verdict: did every criterion of the plan get a passing test? (docs/design.md "Request fidelity")

Plain Python, no Dagster. API and CLI criteria are proven by the generated project's own tests, named
``test_<criterion id>_...`` and run in the coverage stage; browser criteria by the probes of the visual
stage. A criterion with no test, a failing test, or anything the plan lists as unmet fails the check.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from grokorc_assets.models import AcceptanceCriterion, Unmet

_CRITERION_TEST = re.compile(r"(?:^|::|\.)test_(ac\d+)_")


class CriterionOutcome(BaseModel):
    id: str
    text: str
    feature: str
    verify: str
    test: str | None = None  # the test or probe that decided it
    passed: bool
    detail: str = ""


class AcceptanceReport(BaseModel):
    total: int
    passed: int
    criteria: list[CriterionOutcome] = Field(default_factory=list)
    unmet: list[Unmet] = Field(default_factory=list)

    @property
    def breach(self) -> bool:
        return self.passed < self.total


def _by_criterion(test_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for test_id in test_ids:
        if (match := _CRITERION_TEST.search(test_id)) is not None:
            found.setdefault(match.group(1), test_id)
    return found


def _from_tests(criterion: AcceptanceCriterion, passed: dict[str, str], failed: dict[str, tuple[str, str]],
                ran: bool) -> CriterionOutcome:
    common = criterion.model_dump(include={"id", "text", "feature", "verify"})
    if criterion.id in passed:
        return CriterionOutcome(**common, test=passed[criterion.id], passed=True)
    if criterion.id in failed:
        test, message = failed[criterion.id]
        return CriterionOutcome(**common, test=test, passed=False, detail=message)
    why = "the project's tests did not run" if not ran else "no test in the project proves it"
    return CriterionOutcome(**common, passed=False, detail=why)


def _from_probe(criterion: AcceptanceCriterion, probes: dict[str, dict]) -> CriterionOutcome:
    common = criterion.model_dump(include={"id", "text", "feature", "verify"})
    probe = probes.get(criterion.id)
    if probe is None:
        return CriterionOutcome(**common, passed=False, detail="no browser probe ran for it")
    return CriterionOutcome(**common, test=f"visual_test:{criterion.feature}", passed=bool(probe.get("passed")),
                            detail=str(probe.get("detail") or ""))


def judge_acceptance(criteria: list[AcceptanceCriterion], unmet: list[Unmet], *, passed_tests: list[str],
                     failures: list[tuple[str, str]], probes: list[dict], tests_ran: bool = True) -> AcceptanceReport:
    """Each criterion against the tests that ran (test id lists) and the browser probes' outcomes."""
    passed = _by_criterion(passed_tests)
    failed = {cid: (test, message) for test, message in failures
              for cid in [m.group(1) for m in [_CRITERION_TEST.search(test)] if m]}
    by_probe = {p["id"]: p for p in probes if "id" in p}
    outcomes = [_from_probe(c, by_probe) if c.verify == "browser" else _from_tests(c, passed, failed, tests_ran)
                for c in criteria]
    good = sum(o.passed for o in outcomes)
    return AcceptanceReport(total=len(outcomes) + len(unmet), passed=good, criteria=outcomes, unmet=list(unmet))


def acceptance_from_values(plan: dict | None, coverage: dict | None, visual_test: dict | None) -> AcceptanceReport:
    """The verdict from the stored asset values, as the check and the final result both need it."""
    plan = plan or {}
    coverage = coverage or {}
    criteria = [AcceptanceCriterion.model_validate(c) for c in plan.get("acceptance", [])]
    unmet = [Unmet.model_validate(u) for u in plan.get("unmet", [])]
    failures = [(f.get("test_id", ""), str(f.get("message") or f.get("kind") or "failed"))
                for f in coverage.get("failures", [])]
    ran = bool(coverage.get("tests_passed") or coverage.get("tests_failed") or coverage.get("tests_errored"))
    probes = (visual_test or {}).get("acceptance") or []
    return judge_acceptance(criteria, unmet, passed_tests=coverage.get("passed_tests", []), failures=failures,
                            probes=probes, tests_ran=ran)


def acceptance_section(report: AcceptanceReport) -> dict:
    """The ``acceptance`` section of the final result."""
    return {"total": report.total, "passed": report.passed,
            "criteria": [c.model_dump() for c in report.criteria],
            "unmet": [u.model_dump() for u in report.unmet]}
