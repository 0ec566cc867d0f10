"""LLM calls as OpenTelemetry client spans in the GenAI semantic conventions.

One span per ``complete_json`` call (``chat <model>``), a child of whatever span is current (the
asset step that asked). Attributes: ``gen_ai.operation.name`` (``chat``), ``gen_ai.provider.name``
and its older spelling ``gen_ai.system``, ``gen_ai.request.model``, ``gen_ai.output.type``
(``json``), ``gen_ai.usage.input_tokens`` / ``gen_ai.usage.output_tokens``, ``server.address`` /
``server.port`` for a remote endpoint, ``error.type`` on failure; and ours: ``grokorc.cost_usd``,
``grokorc.replayed``, ``grokorc.exchanges``, ``grokorc.tokens_estimated``, ``grokorc.asset``.

Never recorded: prompt or response text, the API key, the full base URL (it may embed credentials);
exceptions are recorded by type only (their messages are redacted already, but need not travel).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from grokorc_assets.telemetry.tracing import clean_attributes, tracer

OPERATION = "chat"


def server_attributes(base_url: str | None) -> dict[str, Any]:
    """``server.address`` and ``server.port`` of an endpoint: host and port only, never userinfo or path."""
    if not base_url:
        return {}
    try:
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return {}
    return {"server.address": parts.hostname, "server.port": port} if parts.hostname else {}


@contextmanager
def llm_span(
    provider: str, model: str, request: Any, *, server: dict[str, Any] | None = None
) -> Iterator[Span]:
    """A ``chat <model>`` client span around one LLM call; ``request`` is an ``LLMRequest``.

    The caller reports the outcome with ``record_response``; an exception propagating out marks the
    span as an error (type only) and records any usage the error carries (failed calls spend too).
    """
    attributes = {
        "gen_ai.operation.name": OPERATION,
        "gen_ai.provider.name": provider,
        "gen_ai.system": provider,
        "gen_ai.request.model": model,
        "gen_ai.output.type": "json",
        "grokorc.asset": getattr(request, "asset", None),
        "grokorc.project_id": getattr(request, "project_id", None),
        "grokorc.revision": getattr(request, "revision", None),
        **(server or {}),
    }
    with tracer().start_as_current_span(
        f"{OPERATION} {model}", kind=SpanKind.CLIENT, attributes=clean_attributes(attributes),
        record_exception=False, set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            if span.is_recording():
                usage = getattr(exc, "usage", None)
                if usage is not None:
                    span.set_attributes(_usage_attributes(usage))
                span.set_attribute("error.type", type(exc).__qualname__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


def record_response(span: Span, response: Any) -> None:
    """Usage, cost and replay flag of an ``LLMResponse`` on its span."""
    if not span.is_recording():
        return
    span.set_attributes({
        **_usage_attributes(response.usage),
        "grokorc.replayed": bool(response.replayed),
        "grokorc.exchanges": int(response.exchanges),
    })


def _usage_attributes(usage: Any) -> dict[str, Any]:
    return {
        "gen_ai.usage.input_tokens": int(usage.input_tokens),
        "gen_ai.usage.output_tokens": int(usage.output_tokens),
        "grokorc.cost_usd": float(usage.cost_usd),
        "grokorc.tokens_estimated": bool(usage.estimated),
    }
