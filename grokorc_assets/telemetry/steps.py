"""The Dagster-aware half of tracing: a span per asset or check step, in its run's trace.

    @asset(...)
    @traced_step
    def plan(context: AssetExecutionContext, ...) -> dict: ...

``traced_step`` keeps the compute function's signature (``functools.wraps``: Dagster reads
parameters and annotations through ``__wrapped__``). Each call is one span named after the asset
(``plan``) or the check (``latency_slo``), a child of the run's root span (ids derived from the run
id, see ``tracing``), with ``dagster.run_id``, ``dagster.job_name``, ``dagster.step_key``,
``dagster.partition_key``, ``dagster.retry_number``, ``grokorc.revision`` and ``slo.project_id``;
the ``slo.*`` values the step knows come from its result (``usage`` -> tokens and cost, a check's
``value``/``breach`` -> the SLO's attributes) or from ``set_slo_attributes`` inside the body.
The step flushes the exporter before returning: the step process may exit right after.

``@traced_step(root=True)`` (on ``project_request``, the first step of every run) also emits the run's
root span: from the run's start to the end of that step, named after the job. It is emitted by the
first step because no step knows when the run will end (a blocked run never reaches ``delivery``);
the run's whole duration is the ``latency_slo`` span's ``slo.latency_seconds``.
With tracing off the wrapper only calls through.
"""

import functools
import time
from collections.abc import Callable
from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode

from grokorc_assets.contract import CheckName, revision_of
from grokorc_assets.telemetry import tracing

# A check's verdict metadata -> the SLO attributes of its span.
CHECK_SLO_ATTRIBUTES: dict[str, dict[str, str]] = {
    CheckName.CONFIDENCE_SLO: {"value": tracing.SLO_STACK_CONFIDENCE, "breach": tracing.SLO_CONFIDENCE_BREACH},
    CheckName.LATENCY_SLO: {"value": tracing.SLO_LATENCY_SECONDS, "breach": tracing.SLO_LATENCY_BREACH},
    CheckName.COVERAGE_SLO: {"value": tracing.SLO_COVERAGE, "breach": tracing.SLO_COVERAGE_BREACH},
    CheckName.COST_SLO: {"value": tracing.SLO_ESTIMATED_COST, "breach": tracing.SLO_COST_BREACH,
                         "tokens": tracing.SLO_TOKENS_USED},
}


def traced_step(fn: Callable | None = None, *, root: bool = False):
    """Wrap an asset or asset-check compute function in a step span (see the module docstring).

    The return value adds attributes (``result_attributes``): the ``usage`` of a dict result, the
    verdict metadata of an ``AssetCheckResult``.
    """

    def decorate(compute: Callable) -> Callable:
        @functools.wraps(compute)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not tracing.enabled():
                return compute(*args, **kwargs)
            return _run_traced(compute, args, kwargs, root=root)

        return wrapper

    return decorate(fn) if fn is not None else decorate


def _run_traced(compute: Callable, args: tuple, kwargs: dict, *, root: bool) -> Any:
    context = kwargs["context"] if "context" in kwargs else args[0]
    try:
        step = step_info(context)
    except Exception:  # noqa: BLE001 - telemetry must never fail a step: run it untraced
        return compute(*args, **kwargs)
    started = time.time()
    try:
        with tracing.tracer().start_as_current_span(
            step["name"], context=tracing.run_parent_context(step["run_id"]), kind=SpanKind.INTERNAL,
            attributes=tracing.clean_attributes(step["attributes"]),
            record_exception=False, set_status_on_exception=False,
        ) as span:
            try:
                result = compute(*args, **kwargs)
            except BaseException as exc:
                # Type only: exception messages may quote generated text.
                span.set_attribute("error.type", type(exc).__qualname__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            tracing.set_span_attributes(result_attributes(result, step["name"]), span)
            return result
    finally:
        if root and step["retry_number"] == 0:
            tracing.emit_run_span(
                step["run_id"], step["job_name"] or "run", _run_start(context, step["run_id"], started), time.time(),
                {**step["run_attributes"], "grokorc.span_role": "run"},
            )
        tracing.flush()


def step_info(context: Any) -> dict[str, Any]:
    """Name and identifying attributes of the step an asset or check context belongs to."""
    op = getattr(context, "op_execution_context", context)
    run_id = op.run_id
    partition = op.partition_key if op.has_partition_key else None
    tags = op.run.tags or {}
    revision = revision_of(tags)
    specs = list(getattr(context, "check_specs", None) or [])
    if specs:  # an asset check step
        name, kind = specs[0].name, "asset_check"
        extra = {"dagster.check_name": name, "dagster.asset_key": specs[0].asset_key.to_user_string()}
    else:
        key = context.asset_key
        name, kind = key.to_user_string(), "asset"
        extra = {"dagster.asset_key": name}
    run_attributes = {
        "dagster.run_id": run_id,
        "dagster.job_name": op.job_name,
        "dagster.partition_key": partition,
        "grokorc.revision": revision,
        tracing.SLO_PROJECT_ID: partition,
    }
    attributes = {
        **run_attributes, **extra,
        "dagster.step_kind": kind,
        "dagster.step_key": op.get_step_execution_context().step.key,
        "dagster.retry_number": op.retry_number,
    }
    return {"name": name, "run_id": run_id, "job_name": op.job_name, "retry_number": op.retry_number,
            "attributes": attributes, "run_attributes": run_attributes}


def _run_start(context: Any, run_id: str, fallback: float) -> float:
    try:
        record = context.instance.get_run_record_by_id(run_id)
        return record.start_time or record.create_timestamp.timestamp()
    except Exception:  # noqa: BLE001 - telemetry must never fail a step
        return fallback


def result_attributes(result: Any, step_name: str) -> dict[str, Any]:
    """``slo.*`` (and check verdict) attributes of the result of the step named ``step_name``."""
    if isinstance(result, dict):
        return tracing.usage_slo_attributes(result.get("usage"))
    metadata = getattr(result, "metadata", None)
    if metadata is None or not hasattr(result, "passed"):
        return {}
    values = {key: getattr(value, "value", value) for key, value in metadata.items()}
    out: dict[str, Any] = {"dagster.check.passed": bool(result.passed)}
    severity = getattr(result, "severity", None)
    if severity is not None:
        out["dagster.check.severity"] = getattr(severity, "value", str(severity))
    mapping = CHECK_SLO_ATTRIBUTES.get(getattr(result, "check_name", None) or step_name, {})
    for key, attribute in mapping.items():
        if isinstance(values.get(key), bool | int | float):
            out[attribute] = values[key]
    if isinstance(values.get("value"), bool | int | float):
        out["dagster.check.value"] = values["value"]
    if isinstance(values.get("breach"), bool):
        out["dagster.check.breach"] = values["breach"]
    return out
