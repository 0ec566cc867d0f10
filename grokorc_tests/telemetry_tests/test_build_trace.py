"""One real build (CLI subprocess) traced to a loopback OTLP/HTTP receiver, and the switch off."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from grokorc_assets import contract
from grokorc_assets.telemetry import tracing
from grokorc_tests.telemetry_tests.conftest import OTEL_VARS
from grokorc_tests.telemetry_tests.otlp_receiver import OtlpReceiver

MESSAGE = "Sales analytics dashboard with revenue by region, top products and CSV export."
ASSETS = {str(name) for name in contract.AssetName}
SLO_CHECKS = {str(name) for name in contract.SLO_CHECKS.values()}
PYTHON = str(Path(sys.executable))
# Runs the CLI, then notes at exit whether the OpenTelemetry SDK and the OTLP exporter were ever loaded.
PROBE = """
import atexit, json, runpy, sys
report_path, sys.argv = sys.argv[1], ["grokorc", *sys.argv[2:]]
atexit.register(lambda: open(report_path, "w").write(json.dumps({
    "sdk_loaded": "opentelemetry.sdk.trace" in sys.modules,
    "exporter_loaded": "opentelemetry.exporter.otlp.proto.http.trace_exporter" in sys.modules})))
runpy.run_module("grokorc_assets.cli", run_name="__main__")
"""


def clean_env(cli_env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in cli_env.items() if k not in OTEL_VARS}


@pytest.fixture(scope="module")
def traced_build(cli_env):
    with OtlpReceiver() as receiver:
        # Multiprocess: the trace must join spans from the step processes (offline builds run in-process).
        env = {**clean_env(cli_env), "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
               "GROKORC_EXECUTOR": "multiprocess"}
        project_id = f"otel-{uuid.uuid4().hex[:8]}"
        done = subprocess.run(
            [PYTHON, "-m", "grokorc_assets.cli", "build", MESSAGE, "--project-id", project_id, "--json"],
            env=env, capture_output=True, text=True, timeout=900,
        )
        # Every step process flushed (a blocking export) before it ended: all spans are in.
        return done, receiver, project_id


def test_the_build_is_one_trace_with_a_span_per_asset_and_check(traced_build):
    done, receiver, project_id = traced_build
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)  # nothing but the JSON result on stdout
    run_id = result["execution"]["run_id"]
    trace_id = run_id.replace("-", "")
    root_id = format(tracing.root_span_id_for_run(run_id), "016x")
    assert receiver.rejected == []
    spans = [s for s in receiver.spans() if s["trace_id"] == trace_id]
    assert spans and len(spans) == len(receiver.spans())  # every exported span belongs to the run's trace

    [root] = [s for s in spans if s["span_id"] == root_id]
    assert root["name"] == "build_project" and root["parent_span_id"] == ""
    assert root["attributes"]["dagster.run_id"] == run_id and root["attributes"]["grokorc.span_role"] == "run"

    steps = {s["name"]: s for s in spans if s["attributes"].get("dagster.step_kind")}
    assert set(steps) >= ASSETS | SLO_CHECKS
    for name, span in steps.items():
        attrs = span["attributes"]
        assert span["parent_span_id"] == root_id, name
        assert attrs["dagster.run_id"] == run_id and attrs["dagster.partition_key"] == project_id, name
        assert attrs["slo.project_id"] == project_id and attrs["grokorc.revision"] == 1, name
        assert attrs["dagster.step_kind"] == ("asset" if name in ASSETS else "asset_check"), name
        assert span["status_code"] != 2, name  # STATUS_CODE_ERROR
    # Steps ran in separate processes (multiprocess executor) and still share the trace.
    assert len({s["resource"].get("process.pid") for s in steps.values()}) > 1


def test_step_spans_carry_the_slo_values_the_step_knows(traced_build):
    done, receiver, _ = traced_build
    result = json.loads(done.stdout)
    slos = result["slos"]
    steps = {s["name"]: s["attributes"] for s in receiver.spans() if s["attributes"].get("dagster.step_kind")}

    plan = steps["plan"]
    assert plan["slo.stack_confidence"] == pytest.approx(result["plan"]["confidence"])
    assert plan["slo.confidence_breach"] is slos["confidence"]["breach"] is False
    assert plan["slo.tokens_used"] == result["plan"]["usage"]["input_tokens"] + result["plan"]["usage"]["output_tokens"]
    assert plan["slo.tokens_used"] > 0 and plan["slo.estimated_cost"] == 0.0
    assert "slo.coverage" not in plan and "slo.latency_seconds" not in plan

    assert steps["coverage"]["slo.coverage"] == pytest.approx(result["coverage"]["value"])
    assert steps["coverage_slo"]["slo.coverage"] == pytest.approx(slos["coverage"]["value"])
    assert steps["coverage_slo"]["slo.coverage_breach"] is False
    assert steps["confidence_slo"]["slo.stack_confidence"] == pytest.approx(slos["confidence"]["value"])
    assert steps["confidence_slo"]["slo.confidence_breach"] is False
    latency = steps["latency_slo"]
    assert 0 < latency["slo.latency_seconds"] <= slos["latency"]["duration_seconds"] + 60
    assert latency["slo.latency_breach"] is False and latency["dagster.check.passed"] is True
    cost = steps["cost_slo"]
    assert cost["slo.tokens_used"] == slos["cost"]["tokens"] and cost["slo.estimated_cost"] == 0.0
    assert cost["slo.cost_breach"] is False
    delivery = steps["delivery"]
    assert delivery["slo.tokens_used"] == slos["cost"]["tokens"]
    assert delivery["slo.coverage"] == pytest.approx(slos["coverage"]["value"])
    assert delivery["slo.latency_seconds"] == pytest.approx(slos["latency"]["duration_seconds"])
    assert delivery["slo.latency_breach"] is False and delivery["slo.confidence_breach"] is False


def test_the_llm_call_is_a_child_of_the_plan_span(traced_build):
    done, receiver, project_id = traced_build
    spans = receiver.spans()
    plan = next(s for s in spans if s["name"] == "plan" and s["attributes"].get("dagster.step_kind") == "asset")
    chats = [s for s in spans if s["attributes"].get("gen_ai.operation.name") == "chat"]
    [plan_chat] = [s for s in chats if s["parent_span_id"] == plan["span_id"]]
    assert plan_chat["trace_id"] == plan["trace_id"]
    attrs = plan_chat["attributes"]
    assert plan_chat["name"] == "chat offline" and attrs["gen_ai.request.model"] == "offline"
    assert attrs["gen_ai.provider.name"] == "offline" and attrs["grokorc.project_id"] == project_id
    assert attrs["gen_ai.usage.input_tokens"] > 0 and attrs["grokorc.replayed"] is False
    assert plan_chat["start_ns"] >= plan["start_ns"] and plan_chat["end_ns"] <= plan["end_ns"]
    assert MESSAGE.encode() not in b"".join(receiver.raw)  # the request text is not in any span


def test_without_the_variable_nothing_is_exported_and_nothing_is_printed(cli_env, tmp_path):
    """`grokorc plan` makes the same offline LLM call; with the endpoint set it exports that span,
    without it neither the SDK nor the exporter is even loaded, and the output is only the plan."""
    with OtlpReceiver() as receiver:
        outputs = {}
        for label, extra in (("on", {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint}), ("off", {})):
            report = tmp_path / f"{label}.json"
            done = subprocess.run(
                [PYTHON, "-c", PROBE, str(report), "plan", MESSAGE, "--json"],
                env={**clean_env(cli_env), **extra}, capture_output=True, text=True, timeout=300,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            outputs[label] = (done, json.loads(report.read_text()), len(receiver.raw))

    on, on_report, on_exports = outputs["on"]
    assert on_report == {"sdk_loaded": True, "exporter_loaded": True}
    assert on_exports >= 1 and any(s["name"] == "chat offline" for s in receiver.spans())

    off, off_report, off_exports = outputs["off"]
    assert off_report == {"sdk_loaded": False, "exporter_loaded": False}
    assert off_exports == on_exports  # nothing more arrived
    assert off.stderr == ""
    assert json.loads(off.stdout)["archetype"] == json.loads(on.stdout)["archetype"]
    assert off.stdout == on.stdout  # the same plan, printed the same way, nothing added
