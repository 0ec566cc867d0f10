"""LLM calls as GenAI client spans, exported over real OTLP/HTTP to a loopback receiver."""

from __future__ import annotations

import threading
import uuid

from opentelemetry import trace
from pydantic import BaseModel

from grokorc_assets.llm import (
    InMemoryExchangeStore,
    LLMRequest,
    LLMRequestError,
    LLMSettings,
    OfflineProvider,
    OpenAIProvider,
    RecordingProvider,
)
from grokorc_assets.telemetry import tracing
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer

API_KEY = "sk-telemetry-test-" + uuid.uuid4().hex
SYSTEM = "SYSTEM-PROMPT-MARKER-7f3a: plan the project."
USER = "USER-PROMPT-MARKER-91bc: a sales dashboard with CSV export."
GENAI_KEYS = {"gen_ai.operation.name", "gen_ai.request.model", "gen_ai.system", "gen_ai.provider.name",
              "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "grokorc.cost_usd", "grokorc.replayed"}


class Answer(BaseModel):
    archetype: str
    confidence: float


def request() -> LLMRequest:
    return LLMRequest(system=SYSTEM, user=USER, asset="plan", project_id="tel-1", revision=2)


def openai_settings(base_url: str, **overrides) -> LLMSettings:
    values = {"provider": "openai", "base_url": base_url, "api_key": API_KEY, "model": "gpt-test-mini",
              "max_attempts": 1, "backoff_base_s": 0.0, **overrides}
    return LLMSettings.model_validate(values)


def assert_no_secret_or_prompt(receiver) -> None:
    payload = b"".join(receiver.raw)
    assert payload, "nothing was exported"
    for text in (API_KEY, "sk-telemetry-test", "SYSTEM-PROMPT-MARKER", "USER-PROMPT-MARKER", "Bearer"):
        assert text.encode() not in payload, f"{text!r} leaked into the exported spans"


def test_offline_exchange_is_a_genai_span_under_the_current_span(traced_to):
    provider = OfflineProvider(lambda _r: Answer(archetype="dashboard", confidence=0.9))
    with tracing.tracer().start_as_current_span("plan") as parent:
        response = provider.complete_json(request(), Answer)
    assert tracing.flush()

    spans = {s["name"]: s for s in traced_to.spans()}
    assert set(spans) == {"plan", "chat offline"}
    chat = spans["chat offline"]
    attrs = chat["attributes"]
    assert GENAI_KEYS <= set(attrs)
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.request.model"] == "offline"
    assert attrs["gen_ai.provider.name"] == attrs["gen_ai.system"] == "offline"
    assert attrs["gen_ai.usage.input_tokens"] == response.usage.input_tokens > 0
    assert attrs["gen_ai.usage.output_tokens"] == response.usage.output_tokens > 0
    assert attrs["grokorc.cost_usd"] == 0.0 and attrs["grokorc.replayed"] is False
    assert attrs["grokorc.asset"] == "plan" and attrs["grokorc.revision"] == 2
    assert chat["kind"] == trace.SpanKind.CLIENT.value + 1  # OTLP's enum is offset by UNSPECIFIED = 0
    # A child of the span that was current when the call was made, in its trace.
    assert chat["parent_span_id"] == format(parent.get_span_context().span_id, "016x")
    assert chat["trace_id"] == spans["plan"]["trace_id"]
    assert chat["resource"]["service.name"] == "grokorc"
    assert_no_secret_or_prompt(traced_to)


def test_openai_exchange_against_the_fake_server_carries_usage_cost_and_no_key(traced_to):
    with FakeOpenAIServer() as fake:
        fake.enqueue_chat(Behaviour.ok({"archetype": "dashboard", "confidence": 0.88}, prompt_tokens=123,
                                       completion_tokens=45, cost=0.0123))
        provider = OpenAIProvider(openai_settings(fake.base_url))
        response = provider.complete_json(request(), Answer)
        # The key did travel to the endpoint (so its absence from the spans means something).
        assert fake.chat_requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert tracing.flush()

    [chat] = traced_to.spans()
    attrs = chat["attributes"]
    assert chat["name"] == "chat gpt-test-mini"
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.request.model"] == "gpt-test-mini"
    assert attrs["gen_ai.provider.name"] == attrs["gen_ai.system"] == "openai"
    assert attrs["gen_ai.usage.input_tokens"] == 123 and attrs["gen_ai.usage.output_tokens"] == 45
    assert attrs["grokorc.cost_usd"] == response.usage.cost_usd == 0.0123
    assert attrs["grokorc.replayed"] is False and attrs["grokorc.exchanges"] == 1
    assert attrs["server.address"] == "127.0.0.1" and attrs["server.port"] == fake.port
    assert chat["parent_span_id"] == ""  # no step around it: a root of its own
    assert_no_secret_or_prompt(traced_to)


def test_a_rejected_openai_call_is_an_error_span_with_its_type_only(traced_to):
    with FakeOpenAIServer() as fake:
        # The server echoes the key in its error body: it must reach neither the span nor its events.
        fake.enqueue_chat(Behaviour.error(401, {"error": {"message": f"bad key {API_KEY}"}}))
        provider = OpenAIProvider(openai_settings(fake.base_url))
        try:
            provider.complete_json(request(), Answer)
        except LLMRequestError:
            pass
        else:
            raise AssertionError("a 401 must raise LLMRequestError")
    assert tracing.flush()

    [chat] = traced_to.spans()
    assert chat["status_code"] == trace.StatusCode.ERROR.value
    assert chat["attributes"]["error.type"] == "LLMRequestError"
    assert chat["events"] == []
    assert_no_secret_or_prompt(traced_to)


def test_a_replayed_exchange_is_marked_replayed_and_costs_nothing(traced_to):
    store = InMemoryExchangeStore()
    with FakeOpenAIServer() as fake:
        fake.enqueue_chat(Behaviour.ok({"archetype": "crud", "confidence": 0.7}, prompt_tokens=50,
                                       completion_tokens=20, cost=0.5))
        RecordingProvider(OpenAIProvider(openai_settings(fake.base_url)), store, "record").complete_json(
            request(), Answer)
        RecordingProvider(OpenAIProvider(openai_settings(fake.base_url)), store, "replay").complete_json(
            request(), Answer)
        assert fake.chat_count == 1  # the replay made no call
    assert tracing.flush()

    recorded, replayed = sorted(traced_to.spans(), key=lambda s: s["start_ns"])
    assert recorded["attributes"]["grokorc.replayed"] is False
    assert recorded["attributes"]["grokorc.cost_usd"] == 0.5
    assert replayed["name"] == "chat gpt-test-mini"
    assert replayed["attributes"]["grokorc.replayed"] is True
    assert replayed["attributes"]["grokorc.cost_usd"] == 0.0
    assert replayed["attributes"]["gen_ai.usage.input_tokens"] == 50  # tokens as recorded
    assert replayed["attributes"]["grokorc.exchanges"] == 0
    assert_no_secret_or_prompt(traced_to)


def test_without_an_endpoint_there_is_no_sdk_no_exporter_and_nothing_recorded(no_otel_env, receiver):
    assert tracing.tracing_enabled() is False and tracing.enabled() is False
    assert isinstance(tracing.tracer(), trace.NoOpTracer)
    provider = OfflineProvider(lambda _r: Answer(archetype="dashboard", confidence=0.9))
    with tracing.tracer().start_as_current_span("plan") as parent:
        provider.complete_json(request(), Answer)
        assert parent.is_recording() is False
    assert tracing.flush() is True
    assert not any(t.name.startswith("OtelBatchSpanProcessor") for t in threading.enumerate())
    assert receiver.raw == []


def test_the_switch_follows_the_standard_variables():
    assert tracing.tracing_enabled({}) is False
    assert tracing.tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "  "}) is False
    assert tracing.tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}) is True
    assert tracing.tracing_enabled({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces"}) is True
    on = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    assert tracing.tracing_enabled({**on, "OTEL_SDK_DISABLED": "true"}) is False
    assert tracing.tracing_enabled({**on, "OTEL_TRACES_EXPORTER": "none"}) is False


def test_run_ids_map_to_one_trace_and_one_root():
    run_id = str(uuid.uuid4())
    assert tracing.trace_id_for_run(run_id) == uuid.UUID(run_id).int
    assert format(tracing.trace_id_for_run(run_id), "032x") == run_id.replace("-", "")
    assert tracing.root_span_id_for_run(run_id) == tracing.root_span_id_for_run(run_id) != 0
    assert tracing.root_span_id_for_run(run_id) != tracing.root_span_id_for_run(str(uuid.uuid4()))
    assert 0 < tracing.trace_id_for_run("not-a-uuid") < 2**128
    parent = trace.get_current_span(tracing.run_parent_context(run_id)).get_span_context()
    assert parent.trace_id == uuid.UUID(run_id).int and parent.is_remote and parent.trace_flags.sampled
