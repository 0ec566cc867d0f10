"""OpenTelemetry tracing for grokorc: one trace per Dagster run, exported over OTLP/HTTP.

Plain Python (no Dagster import). The Dagster-aware step wrapper lives in ``telemetry/steps.py``.

Switch: tracing is on only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces-only
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set, and ``OTEL_SDK_DISABLED`` is not ``true`` and
``OTEL_TRACES_EXPORTER`` is not ``none``. Otherwise ``tracer()`` is the API's no-op tracer: no SDK
provider, no exporter, no background thread, nothing printed; a span costs a few attribute look-ups.
When on, spans go through a ``BatchSpanProcessor`` to an ``OTLPSpanExporter`` (HTTP/protobuf; the
exporter itself resolves the ``/v1/traces`` URL, headers, timeout and compression from the standard
``OTEL_EXPORTER_OTLP_*`` variables). No console exporter, ever.

One trace per run, without passing context between processes: every step of a run runs in its own
process (multiprocess executor), so each derives the same parent from the run id alone:
- trace id = the Dagster run id's 128 bits (a run id is a UUID): search a trace backend by run id;
- root span id = the first 64 bits of sha256("grokorc.run:" + run id).
Step spans are children of that (remote) root; LLM spans are children of the step span that made
the call. The root span itself is emitted once per run by the run's first step (``project_request``,
see ``emit_run_span``) -- the only step every run is guaranteed to execute -- starting at the run's
start time.

A collector that is down or never answers must not slow builds down: each export waits at most
``EXPORT_TIMEOUT_SECONDS`` (unless ``OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`` says otherwise), and the first
failed export trips a breaker shared by every process of the same grokorc home (a marker file): for
``BREAKER_SECONDS`` the other step processes drop their spans at once instead of each waiting again,
and the outage is reported once, by the process that tripped it, not once per step.

Processes: the provider is created lazily on first use *in the process that uses it*, and re-created
after a fork (the batch processor's thread does not survive one); Dagster step processes leave via
``os._exit`` (no atexit), so the step wrapper calls ``flush()`` at the end of every step. Ordinary
processes (the CLI) also flush at exit.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags

INSTRUMENTATION_NAME = "grokorc"
DEFAULT_SERVICE_NAME = "grokorc"
FLUSH_TIMEOUT_MILLIS = 5_000
EXPORT_TIMEOUT_SECONDS = 0.8  # a collector on the network answers in milliseconds
BREAKER_SECONDS = 60.0  # after a failed export, how long every process skips exporting
TIMEOUT_VARS = ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
log = logging.getLogger(__name__)
ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

# The SLO attributes (one name per SLO input), set on the step spans that know the value.
SLO_PROJECT_ID = "slo.project_id"
SLO_TOKENS_USED = "slo.tokens_used"
SLO_ESTIMATED_COST = "slo.estimated_cost"
SLO_LATENCY_SECONDS = "slo.latency_seconds"
SLO_COVERAGE = "slo.coverage"
SLO_STACK_CONFIDENCE = "slo.stack_confidence"
SLO_LATENCY_BREACH = "slo.latency_breach"
SLO_CONFIDENCE_BREACH = "slo.confidence_breach"
SLO_COST_BREACH = "slo.cost_breach"
SLO_COVERAGE_BREACH = "slo.coverage_breach"

_NOOP_TRACER = trace.NoOpTracer()


def tracing_enabled(env: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for OTLP export (see the module docstring)."""
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return any(env.get(var, "").strip() for var in ENDPOINT_VARS)


class _RunIdGenerator:
    """Random ids, except for the one span whose ids ``emit_run_span`` forces (per thread)."""

    def __init__(self) -> None:
        from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

        self._random = RandomIdGenerator()
        self._forced = threading.local()

    @contextmanager
    def forcing(self, trace_id: int, span_id: int) -> Iterator[None]:
        self._forced.ids = (trace_id, span_id)
        try:
            yield
        finally:
            self._forced.ids = None

    def generate_trace_id(self) -> int:
        ids = getattr(self._forced, "ids", None)
        return ids[0] if ids else self._random.generate_trace_id()

    def generate_span_id(self) -> int:
        ids = getattr(self._forced, "ids", None)
        return ids[1] if ids else self._random.generate_span_id()

    def is_trace_id_random(self) -> bool:
        return getattr(self._forced, "ids", None) is None


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.provider: Any = None  # opentelemetry.sdk.trace.TracerProvider when enabled
        self.tracer: trace.Tracer = _NOOP_TRACER
        self.ids: _RunIdGenerator | None = None


_state = _State()


def _build_provider() -> tuple[Any, trace.Tracer, _RunIdGenerator]:
    # Imported only when tracing is on: the SDK and exporter stay out of processes that do not trace.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # process.pid tells step processes apart (the provider is built after the fork, in the step's process).
    attributes: dict[str, str | int] = {"service.version": _version(), "process.pid": os.getpid()}
    if not os.environ.get("OTEL_SERVICE_NAME", "").strip():
        attributes[SERVICE_NAME] = DEFAULT_SERVICE_NAME
    ids = _RunIdGenerator()
    # shutdown_on_exit: ordinary processes (the CLI) flush at exit; step processes flush per step.
    provider = TracerProvider(resource=Resource.create(attributes), id_generator=ids, shutdown_on_exit=True)
    timeout = None if any(os.environ.get(v, "").strip() for v in TIMEOUT_VARS) else EXPORT_TIMEOUT_SECONDS
    exporter = OTLPSpanExporter(timeout=timeout)
    # We report an outage once (see _BreakerExporter); the exporter would warn on every failed batch.
    logging.getLogger("opentelemetry.exporter.otlp").setLevel(logging.CRITICAL)
    provider.add_span_processor(BatchSpanProcessor(_BreakerExporter(exporter, _endpoint())))
    return provider, provider.get_tracer(INSTRUMENTATION_NAME, _version()), ids


def _endpoint() -> str:
    return next((os.environ[v].strip() for v in reversed(ENDPOINT_VARS) if os.environ.get(v, "").strip()), "")


def breaker_marker(endpoint: str) -> Path:
    """The file whose age says when the collector at ``endpoint`` was last found down."""
    home = os.environ.get("GROKORC_HOME", "").strip() or tempfile.gettempdir()
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:12]
    return Path(home) / "telemetry" / f"otlp-down-{digest}"


class _BreakerExporter:
    """An OTLP exporter that stops trying, in every process, for a while after a failed export."""

    def __init__(self, inner: Any, endpoint: str) -> None:
        self._inner, self._endpoint, self._marker = inner, endpoint, breaker_marker(endpoint)

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        if self._tripped():
            return SpanExportResult.FAILURE
        result = self._inner.export(spans)
        if result != SpanExportResult.SUCCESS:
            self._trip()
        return result

    def _tripped(self) -> bool:
        try:
            return time.time() - self._marker.stat().st_mtime < BREAKER_SECONDS
        except OSError:
            return False

    def _trip(self) -> None:
        try:
            self._marker.parent.mkdir(parents=True, exist_ok=True)
            self._marker.touch()
        except OSError:
            return  # no shared marker: this process still reports, the others try for themselves
        log.warning("OTLP collector %s did not accept spans; tracing is off for %.0f s (builds go on)",
                    self._endpoint, BREAKER_SECONDS)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)


def _version() -> str:
    try:
        return importlib.metadata.version("grokorc")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def tracer() -> trace.Tracer:
    """This process's tracer: the SDK's when tracing is enabled, else the no-op tracer."""
    pid = os.getpid()
    if _state.pid == pid:
        return _state.tracer
    with _state.lock:
        if _state.pid != pid:
            # A fork inherits the parent's provider object but not its export thread: start afresh.
            _state.provider, _state.tracer, _state.ids = None, _NOOP_TRACER, None
            if tracing_enabled():
                _state.provider, _state.tracer, _state.ids = _build_provider()
            _state.pid = pid
    return _state.tracer


def enabled() -> bool:
    """Whether this process exports spans (initialises from the environment on first call)."""
    tracer()
    return _state.provider is not None


def flush(timeout_millis: int = FLUSH_TIMEOUT_MILLIS) -> bool:
    """Export every finished span now (bounded wait). True when there was nothing to do or all went."""
    if _state.pid != os.getpid() or _state.provider is None:
        return True
    return bool(_state.provider.force_flush(timeout_millis))


def shutdown() -> None:
    """Flush and stop this process's exporter; the next ``tracer()`` call reads the environment again."""
    with _state.lock:
        provider = _state.provider if _state.pid == os.getpid() else None
        _state.pid, _state.provider, _state.tracer, _state.ids = None, None, _NOOP_TRACER, None
    if provider is not None:
        provider.shutdown()


# --- one trace per run -------------------------------------------------------------------------


def trace_id_for_run(run_id: str) -> int:
    """The run's trace id: the UUID's 128 bits (so the trace id *is* the run id without dashes)."""
    try:
        value = uuid.UUID(run_id).int
    except ValueError:
        value = 0
    if not value:  # not a UUID (or the nil one): still deterministic, still valid
        value = int.from_bytes(hashlib.sha256(f"grokorc.trace:{run_id}".encode()).digest()[:16], "big") or 1
    return value


def root_span_id_for_run(run_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"grokorc.run:{run_id}".encode()).digest()[:8], "big") or 1


def run_parent_context(run_id: str) -> otel_context.Context:
    """A context whose current span is the run's (remote) root: spans started in it join the run's trace."""
    parent = SpanContext(
        trace_id=trace_id_for_run(run_id), span_id=root_span_id_for_run(run_id), is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    return trace.set_span_in_context(NonRecordingSpan(parent), otel_context.Context())


def emit_run_span(
    run_id: str, name: str, start_time_s: float, end_time_s: float, attributes: Mapping[str, Any]
) -> bool:
    """Emit the run's root span (ids derived from ``run_id``) once; False when tracing is off."""
    tracer()
    ids = _state.ids
    if _state.provider is None or ids is None:
        return False
    with ids.forcing(trace_id_for_run(run_id), root_span_id_for_run(run_id)):
        span = _state.tracer.start_span(
            name, context=otel_context.Context(), kind=SpanKind.INTERNAL,
            attributes=clean_attributes(attributes), start_time=int(start_time_s * 1e9),
        )
    span.end(end_time=max(int(end_time_s * 1e9), int(start_time_s * 1e9)))
    return True


# --- attributes --------------------------------------------------------------------------------


def clean_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes OpenTelemetry accepts: None dropped, numbers and bools kept, the rest as text."""
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, bool | int | float | str) else str(value)
    return out


def set_span_attributes(attributes: Mapping[str, Any], span: trace.Span | None = None) -> None:
    """Set attributes on ``span`` (default: the current span); a no-op on a non-recording span."""
    span = span or trace.get_current_span()
    if span.is_recording():
        span.set_attributes(clean_attributes(attributes))


def set_slo_attributes(span: trace.Span | None = None, **values: Any) -> None:
    """``set_slo_attributes(stack_confidence=0.9, confidence_breach=False)`` -> ``slo.*`` attributes."""
    set_span_attributes({f"slo.{name}": value for name, value in values.items()}, span)


def usage_slo_attributes(usage: Mapping[str, Any] | None) -> dict[str, Any]:
    """``slo.tokens_used`` and ``slo.estimated_cost`` from a Usage dump (``input_tokens``...)."""
    if not usage:
        return {}
    tokens = int(usage.get("input_tokens") or 0) + int(usage.get("output_tokens") or 0)
    return {SLO_TOKENS_USED: tokens, SLO_ESTIMATED_COST: float(usage.get("cost_usd") or 0.0)}
