"""The step wrapper on small real Dagster assets, executed in process (no whole build)."""

import inspect

from dagster import AssetExecutionContext, DagsterInstance, asset, materialize

from grokorc_assets.telemetry import tracing
from grokorc_assets.telemetry.steps import traced_step

SECRET_TEXT = "GENERATED-TEXT-MARKER-55e1"


@asset
@traced_step
def spender(context: AssetExecutionContext) -> dict:
    tracing.set_slo_attributes(stack_confidence=0.42, confidence_breach=True)
    return {"usage": {"model": "m", "input_tokens": 30, "output_tokens": 12, "cost_usd": 0.25}}


@asset
@traced_step
def boom(context: AssetExecutionContext, spender: dict) -> dict:
    raise ValueError(SECRET_TEXT)


def test_the_wrapper_keeps_what_dagster_reads():
    assert spender.op.name == "spender" and set(boom.op.ins) == {"spender"}
    assert list(inspect.signature(boom.op.compute_fn.decorated_fn).parameters) == ["context", "spender"]


def test_steps_become_spans_of_the_runs_trace_and_a_failure_is_an_error_span(traced_to):
    with DagsterInstance.ephemeral() as instance:
        result = materialize([spender, boom], instance=instance, raise_on_error=False)
    assert not result.success
    # Each step flushed at its end: nothing is left to export.
    spans = {s["name"]: s for s in traced_to.spans()}
    assert set(spans) == {"spender", "boom"}
    run_trace = result.run_id.replace("-", "")
    root = format(tracing.root_span_id_for_run(result.run_id), "016x")
    for span in spans.values():
        assert span["trace_id"] == run_trace and span["parent_span_id"] == root
        assert span["attributes"]["dagster.run_id"] == result.run_id
        assert "dagster.partition_key" not in span["attributes"]  # unpartitioned: none to report

    ok = spans["spender"]["attributes"]
    assert ok["slo.tokens_used"] == 42 and ok["slo.estimated_cost"] == 0.25
    assert ok["slo.stack_confidence"] == 0.42 and ok["slo.confidence_breach"] is True
    assert spans["spender"]["status_code"] != 2

    failed = spans["boom"]
    assert failed["status_code"] == 2 and failed["attributes"]["error.type"] == "ValueError"
    assert SECRET_TEXT.encode() not in b"".join(traced_to.raw)
