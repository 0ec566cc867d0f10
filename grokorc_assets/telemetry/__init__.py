"""Observability beyond Dagster's own: OpenTelemetry traces (one per run) for steps and LLM calls.

The core here is plain Python; ``telemetry.steps`` is the thin Dagster-aware wrapper for asset and
check compute functions (import it from the Dagster layer only).
"""

from grokorc_assets.telemetry.genai import llm_span, record_response, server_attributes
from grokorc_assets.telemetry.tracing import (
    emit_run_span,
    enabled,
    flush,
    root_span_id_for_run,
    run_parent_context,
    set_slo_attributes,
    set_span_attributes,
    shutdown,
    trace_id_for_run,
    tracer,
    tracing_enabled,
    usage_slo_attributes,
)

__all__ = [
    "emit_run_span", "enabled", "flush", "llm_span", "record_response", "root_span_id_for_run",
    "run_parent_context", "server_attributes", "set_slo_attributes", "set_span_attributes", "shutdown",
    "trace_id_for_run", "tracer", "tracing_enabled", "usage_slo_attributes",
]
