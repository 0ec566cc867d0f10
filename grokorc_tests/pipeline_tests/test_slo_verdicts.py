"""The SLO verdicts as plain functions: each passes and breaches at its boundary."""

from grokorc_assets.cli.report import CheckOutcome, build_status, slos_section
from grokorc_assets.models import Usage
from grokorc_assets.settings import load_slo_thresholds
from grokorc_assets.slo import confidence_verdict, cost_verdict, coverage_verdict, latency_verdict


def test_cost_sums_every_asset_and_breaches_at_the_budget():
    usages = {"plan": Usage(model="m", input_tokens=100, output_tokens=50, cost_usd=2.5),
              "backend": Usage(model="m", input_tokens=10, output_tokens=5, cost_usd=2.5)}
    verdict = cost_verdict(usages, 5.0)
    assert verdict.value == 5.0 and verdict.breach is True
    assert verdict.computed_from["tokens"] == 165 and set(verdict.computed_from["per_asset"]) == {"plan", "backend"}
    assert cost_verdict(usages, 5.01).breach is False


def test_coverage_breaches_below_the_threshold_or_when_the_suite_fails():
    assert coverage_verdict(95.0, 95.0, {"tests_failed": 0}).breach is False
    assert coverage_verdict(94.99, 95.0, {"tests_failed": 0}).breach is True
    assert coverage_verdict(100.0, 95.0, {"tests_failed": 1}).breach is True
    assert coverage_verdict(100.0, 95.0, {"tests_errored": 0, "timed_out": True}).breach is True


def test_latency_and_confidence_boundaries():
    assert latency_verdict(719.9, 720, run_id="r").breach is False
    assert latency_verdict(720.0, 720, run_id="r").breach is True
    assert confidence_verdict(0.8, 0.8, []).breach is False
    assert confidence_verdict(0.79, 0.8, []).breach is True


def test_thresholds_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GROKORC_SLO_COST_USD", "0.5")
    monkeypatch.setenv("GROKORC_SLO_CONFIDENCE", "0.9")
    slo = load_slo_thresholds()
    assert (slo.cost_usd, slo.confidence, slo.coverage_percent, slo.latency_seconds) == (0.5, 0.9, 95.0, 720)


def test_status_is_blocked_only_by_an_error_check():
    warn = CheckOutcome(name="confidence_slo", passed=False, severity="WARN", metadata={"value": 0.3, "breach": True})
    error = CheckOutcome(name="cost_slo", passed=False, severity="ERROR", metadata={"value": 9.0, "breach": True})
    assert build_status({"confidence_slo": warn}, delivered=True) == "success"
    assert build_status({"confidence_slo": warn}, delivered=False) == "failed"
    assert build_status({"confidence_slo": warn, "cost_slo": error}, delivered=False) == "blocked"
    section = slos_section({"cost_slo": error}, {"cost": 5.0, "latency": 720, "coverage": 95.0, "confidence": 0.8})
    assert section["compliant"] is False and section["cost"]["breach"] is True
    assert section["latency"]["breach"] is None  # not evaluated is not a pass
