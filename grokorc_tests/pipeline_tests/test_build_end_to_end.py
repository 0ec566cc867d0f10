"""Whole builds on the real instance: every asset, the four SLO checks, delivery and report.json."""

import json
import tarfile
import uuid

import pytest
from dagster import AssetKey, DagsterEventType

from grokorc_assets import contract
from grokorc_assets.cli.runner import build_request, final_result_for, submit_request
from grokorc_assets.storage.asset_files import value_path
from grokorc_assets.storage.results import ResultStore

DASHBOARD = "Sales analytics dashboard with revenue by region, top products, monthly orders and CSV export."


@pytest.fixture(scope="module")
def dashboard_build(settings, instance):
    project_id = f"dash-{uuid.uuid4().hex[:8]}"
    outcome = build_request(settings, submit_request(settings, DASHBOARD, project_id))
    return outcome, final_result_for(settings, outcome)


def test_the_dashboard_is_delivered_with_every_slo_evaluated(dashboard_build):
    outcome, result = dashboard_build
    assert outcome.success, result
    assert result["status"] == "success"
    assert set(result) >= {"status", "project_id", "revision", "plan", "ui", "visual_tests", "conflicts",
                           "coverage", "slos", "execution"}
    slos = result["slos"]
    assert slos["compliant"] is True
    assert slos["cost"]["estimated_cost"] == 0.0 and slos["cost"]["tokens"] > 0
    assert slos["coverage"]["value"] >= 95.0
    assert slos["confidence"]["value"] >= 0.8
    assert 0 < slos["latency"]["duration_seconds"] < 720
    assert set(result["checks"]) >= {"cost_slo", "latency_slo", "coverage_slo", "confidence_slo",
                                     "visual_regression", "accessibility"}


def test_checks_and_values_follow_the_contract(settings, dashboard_build):
    outcome, result = dashboard_build
    assert {name: c["severity"] for name, c in result["checks"].items()} == {
        str(name): check.severity for name, check in contract.CHECKS.items()}
    for asset, model in contract.ASSET_VALUES.items():
        stored = value_path(settings.home / "assets", asset, outcome.request.project_id, outcome.request.revision)
        model.validate_value(json.loads(stored.read_text()))  # raises on a value that left its model


def test_report_sections_have_the_design_keys(dashboard_build):
    _, result = dashboard_build
    assert set(result["ui"]) >= {"applicable", "pages", "components_generated"}
    assert result["ui"]["applicable"] and result["ui"]["components_generated"] > 0
    visual = result["visual_tests"]
    assert set(visual) >= {"applicable", "degraded", "total", "passed", "failed", "new", "max_diff_ratio", "a11y"}
    # The main page and every other page, at three viewports, served with sample data.
    assert visual["total"] == 3 * (len(result["ui"]["pages"]) + 1) and visual["new"] == visual["total"]
    assert visual["a11y"]["critical"] == 0 and visual["a11y"]["serious"] == 0
    assert set(result["conflicts"]) >= {"conflicts_detected", "conflicts_resolved", "items"}
    assert set(result["coverage"]) >= {"value", "branch", "tests_passed", "tests_failed", "duration_seconds"}
    assert result["coverage"]["tests_failed"] == 0 and result["coverage"]["tests_passed"] > 0
    accepted = result["acceptance"]
    assert set(accepted) >= {"total", "passed", "criteria"} and accepted["total"] == len(result["plan"]["acceptance"])
    assert accepted["passed"] == accepted["total"] > 0
    assert all(set(c) >= {"id", "text", "feature", "test", "passed"} and c["test"] for c in accepted["criteria"])


def test_delivery_archive_holds_the_project_and_the_report(settings, dashboard_build):
    outcome, result = dashboard_build
    workspace = settings.workspace(outcome.request.project_id, outcome.request.revision)
    archive = workspace / "delivery" / f"{outcome.request.project_id}-r{outcome.request.revision}.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        report = json.load(tar.extractfile(f"{outcome.request.project_id}-r1/report.json"))
    assert any(n.endswith("backend/app/main.py") for n in names)
    assert any(n.endswith("frontend/index.html") for n in names)
    assert not any(".grokorc-reports" in n for n in names)
    assert report["execution"]["run_id"] == outcome.run_id
    assert result["execution"]["run_id"] == outcome.run_id


def test_an_offline_build_runs_in_one_process(instance, dashboard_build):
    """Offline steps do no waiting: the in-process executor runs them all in the build's process (the
    agents' overlap with a live model is test_agents_overlap.py)."""
    outcome, _ = dashboard_build
    pids = {r.event_log_entry.dagster_event.pid
            for r in instance.get_records_for_run(outcome.run_id, of_type=DagsterEventType.STEP_START).records}
    assert len(pids) == 1


def test_a_second_revision_compares_against_the_baselines(settings, instance, engine, dashboard_build):
    outcome, first = dashboard_build
    again = build_request(settings, submit_request(settings, DASHBOARD, outcome.request.project_id))
    result = final_result_for(settings, again)
    assert result["revision"] == 2 and result["status"] == "success"
    visual = result["visual_tests"]
    assert visual["new"] == 0 and visual["passed"] == visual["total"] == first["visual_tests"]["total"]
    # Revision 1's artefacts are untouched by revision 2.
    assert (settings.workspace(outcome.request.project_id, 1) / "delivery").is_dir()
    assert ResultStore(engine).latest(outcome.request.project_id, 1)["revision"] == 1
    assert instance.get_latest_materialization_event(AssetKey("delivery")) is not None
