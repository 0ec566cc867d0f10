"""Static checks of observability/: promtool / amtool validation, promtool rule unit tests, and the
contracts the configuration files must keep with each other (alert annotations, runbook sections,
SLO target constant, dashboard datasource and metric names)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from .sample_metrics import DESIGN_METRICS
from .stack import AMTOOL_BIN, OBSERVABILITY_DIR, PROMTOOL_BIN, RULES_DIR

DASHBOARD = OBSERVABILITY_DIR / "grafana" / "dashboards" / "grokorc_slos.json"
README = OBSERVABILITY_DIR / "README.md"
SLO_TARGET = "0.99"


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{argv} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def all_rules() -> list[dict]:
    rules = []
    for f in sorted(RULES_DIR.glob("*.yml")):
        for group in yaml.safe_load(f.read_text())["groups"]:
            rules.extend(group["rules"])
    return rules


def alerts() -> list[dict]:
    return [r for r in all_rules() if "alert" in r]


def dashboard_exprs() -> list[tuple[str, str]]:
    dash = json.loads(DASHBOARD.read_text())
    out = []
    stack = list(dash["panels"])
    while stack:
        panel = stack.pop(0)
        stack.extend(panel.get("panels", []))  # collapsed rows
        for target in panel.get("targets", []):
            out.append((panel["title"], target["expr"]))
    return out


# ------------------------------------------------------------------------------------ promtool / amtool
def test_promtool_check_config(tmp_path: Path) -> None:
    # copy so the relative rules/*.yml glob resolves next to the config, as in the deployment
    shutil.copy(OBSERVABILITY_DIR / "prometheus.yml", tmp_path / "prometheus.yml")
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    proc = run([PROMTOOL_BIN, "check", "config", str(tmp_path / "prometheus.yml")])
    assert "2 rule files found" in proc.stdout + proc.stderr


def test_promtool_check_rules() -> None:
    files = sorted(str(f) for f in RULES_DIR.glob("*.yml"))
    assert len(files) == 2
    run([PROMTOOL_BIN, "check", "rules", *files])


def test_promtool_test_rules() -> None:
    tests = sorted(
        str(f.relative_to(OBSERVABILITY_DIR.parent)) for f in (OBSERVABILITY_DIR / "tests").glob("*.yml")
    )
    assert tests, "no promtool rule tests"
    proc = run([PROMTOOL_BIN, "test", "rules", *tests], cwd=OBSERVABILITY_DIR.parent)
    assert proc.stdout.count("SUCCESS") == len(tests)


def test_promtool_unit_tests_cover_every_alert_firing_and_silent() -> None:
    firing: set[str] = set()
    silent: set[str] = set()
    for f in (OBSERVABILITY_DIR / "tests").glob("*.yml"):
        for test in yaml.safe_load(f.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                (firing if case.get("exp_alerts") else silent).add(case["alertname"])
    names = {a["alert"] for a in alerts()}
    assert names - firing == set(), "alerts never tested firing"
    assert names - silent == set(), "alerts never tested silent"


def test_amtool_check_config() -> None:
    proc = run([AMTOOL_BIN, "check-config", str(OBSERVABILITY_DIR / "alertmanager.yml")])
    assert "SUCCESS" in proc.stdout


# ----------------------------------------------------------------------------------------------- rules
def test_the_nine_alerts_exist_with_their_severity() -> None:
    severity = {a["alert"]: a["labels"]["severity"] for a in alerts()}
    assert severity == {
        "GrokorcLowStackConfidence": "warning",
        "GrokorcHighConflictRate": "critical",
        "GrokorcVisualTestFailures": "warning",
        "GrokorcSlowWorkflows": "warning",
        "GrokorcCostOverrun": "critical",
        "GrokorcErrorBudgetBurnFast": "critical",
        "GrokorcErrorBudgetBurnHigh": "critical",
        "GrokorcErrorBudgetBurnMedium": "warning",
        "GrokorcErrorBudgetBurnSlow": "warning",
    }
    fors = {a["alert"]: a.get("for") for a in alerts()}
    assert fors["GrokorcLowStackConfidence"] == "5m"
    assert fors["GrokorcHighConflictRate"] == "10m"
    assert fors["GrokorcVisualTestFailures"] == "5m"
    assert fors["GrokorcSlowWorkflows"] == "5m"
    assert fors["GrokorcCostOverrun"] == "1m"


def github_anchor(heading: str) -> str:
    anchor = heading.strip().lower()
    anchor = re.sub(r"[^\w\- ]", "", anchor)
    return anchor.replace(" ", "-")


def test_every_alert_has_annotations_and_a_runbook_section() -> None:
    anchors = {
        github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", README.read_text(), re.MULTILINE)
    }
    for alert in alerts():
        ann = alert["annotations"]
        for key in ("summary", "description", "runbook"):
            assert ann.get(key, "").strip(), f"{alert['alert']} has no {key}"
        path, _, anchor = ann["runbook"].partition("#")
        assert path == "observability/README.md", alert["alert"]
        assert anchor in anchors, f"{alert['alert']}: README.md has no section #{anchor}"


def test_burn_rate_alerts_share_the_documented_slo_target() -> None:
    expected = {
        "GrokorcErrorBudgetBurnFast": ("14.4", "1h", "5m"),
        "GrokorcErrorBudgetBurnHigh": ("6", "6h", "30m"),
        "GrokorcErrorBudgetBurnMedium": ("3", "1d", "2h"),
        "GrokorcErrorBudgetBurnSlow": ("1", "3d", "6h"),
    }
    recorded = {r["record"] for r in all_rules() if "record" in r}
    assert recorded == {
        f"grokorc:slo_check_error_ratio:rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
    }
    by_name = {a["alert"]: a for a in alerts()}
    for name, (factor, long_w, short_w) in expected.items():
        expr = " ".join(by_name[name]["expr"].split())
        assert expr == (
            f"grokorc:slo_check_error_ratio:rate{long_w} > ({factor} * (1 - {SLO_TARGET})) and "
            f"grokorc:slo_check_error_ratio:rate{short_w} > ({factor} * (1 - {SLO_TARGET}))"
        ), name
    readme = README.read_text()
    assert "99%" in readme and "0.01" in readme


# ------------------------------------------------------------------------------------------- dashboard
def test_dashboard_uses_the_provisioned_datasource_and_every_design_metric() -> None:
    dash = json.loads(DASHBOARD.read_text())
    assert dash["title"] == "grokorc SLOs"
    ds = yaml.safe_load((OBSERVABILITY_DIR / "grafana/provisioning/datasources/prometheus.yml").read_text())
    uid = ds["datasources"][0]["uid"]
    for panel in dash["panels"]:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
    exprs = " ".join(e for _, e in dashboard_exprs())
    for metric in DESIGN_METRICS:
        assert re.search(rf"\b{metric}(_bucket|_sum|_count)?\b", exprs), f"no panel shows {metric}"
    # Grafana-only variables other than $__rate_interval would make the e2e query test lie
    assert set(re.findall(r"\$\w+", exprs)) <= {"$__rate_interval"}
    provider = yaml.safe_load(
        (OBSERVABILITY_DIR / "grafana/provisioning/dashboards/dashboards.yml").read_text()
    )
    assert provider["providers"][0]["type"] == "file"


def test_dashboard_has_the_required_panels() -> None:
    titles = {t for t, _ in dashboard_exprs()}
    for needle in (
        "Stack confidence",
        "UI components generated",
        "Conflict rate and resolution rate",
        "Visual test pass rate",
        "Visual diff scores",
        "Workflow duration p50 / p95",
        "LLM tokens by model",
        "LLM cost by model",
        "SLO check outcomes by check and severity",
        "Error budget remaining (30 days)",
    ):
        assert needle in titles
