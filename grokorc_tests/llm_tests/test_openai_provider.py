from __future__ import annotations

import json
import random

import pytest

from grokorc_assets.llm import (
    LLMOutputError,
    LLMRequestError,
    LLMUnavailableError,
    OpenAIProvider,
    load_prices,
)
from grokorc_assets.models import Plan
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.llm_tests.helpers import API_KEY, PLAN, RecordingSleep, request, settings


def provider(fake: FakeOpenAIServer, sleep: RecordingSleep | None = None, **overrides: object
             ) -> OpenAIProvider:
    return OpenAIProvider(settings(fake, **overrides), sleep=sleep or RecordingSleep(), rng=random.Random(7))


def test_success_validates_and_prices_from_the_table(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok(PLAN, prompt_tokens=1200, completion_tokens=300))
    response = provider(fake_openai).complete_json(request(), Plan)

    assert isinstance(response.value, Plan)
    assert response.value.archetype == "dashboard"
    assert json.loads(response.raw_text) == PLAN
    usage = response.usage
    assert (usage.model, usage.input_tokens, usage.output_tokens, usage.estimated) == (
        "openai/gpt-4o-mini", 1200, 300, False)
    # gpt-4o-mini list price: $0.15 / $0.60 per million tokens.
    assert usage.cost_usd == pytest.approx((1200 * 0.15 + 300 * 0.60) / 1e6)
    assert response.exchanges == 1 and response.latency_s > 0 and len(response.prompt_hash) == 64


def test_request_is_json_mode_with_schema_and_bearer_key(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok(PLAN))
    provider(fake_openai).complete_json(request(), Plan)

    [received] = fake_openai.chat_requests
    assert received.headers["authorization"] == f"Bearer {API_KEY}"
    assert received.body["model"] == "openai/gpt-4o-mini"
    assert received.body["response_format"] == {"type": "json_object"}
    system, user = received.body["messages"]
    assert system["role"] == "system" and system["content"].startswith("You infer a project plan.")
    assert json.dumps(Plan.model_json_schema(), sort_keys=True) in system["content"]
    assert user == {"role": "user", "content": request().user}


def test_provider_reported_cost_wins_over_the_table(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok(PLAN, prompt_tokens=1200, completion_tokens=300, cost=0.0421))
    usage = provider(fake_openai).complete_json(request(), Plan).usage
    assert usage.cost_usd == pytest.approx(0.0421)
    assert usage.input_tokens == 1200


def test_unknown_model_is_priced_at_the_default(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok(PLAN, prompt_tokens=1_000_000, completion_tokens=0))
    usage = provider(fake_openai, model="someone/unlisted-model").complete_json(request(), Plan).usage
    assert usage.cost_usd == pytest.approx(load_prices().default.input)
    assert usage.cost_usd > 0


def test_missing_usage_is_estimated(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok(PLAN, include_usage=False))
    usage = provider(fake_openai).complete_json(request(), Plan).usage
    assert usage.estimated is True
    assert usage.input_tokens > len(request().user) // 4  # system prompt with schema counted too
    assert usage.output_tokens == (len(json.dumps(PLAN)) + 3) // 4
    assert usage.cost_usd > 0


def test_429_then_success_honours_retry_after(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.rate_limited(retry_after=0.05), Behaviour.ok(PLAN))
    sleep = RecordingSleep()
    response = provider(fake_openai, sleep, backoff_cap_s=1.0).complete_json(request(), Plan)
    assert response.value.archetype == "dashboard"
    assert fake_openai.chat_count == 2
    assert sleep.delays == [pytest.approx(0.05)]


def test_429_without_retry_after_uses_jittered_backoff(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.rate_limited(), Behaviour.rate_limited(), Behaviour.ok(PLAN))
    sleep = RecordingSleep()
    provider(fake_openai, sleep, backoff_base_s=0.004, backoff_cap_s=0.006).complete_json(request(), Plan)
    assert fake_openai.chat_count == 3
    assert len(sleep.delays) == 2
    assert 0 <= sleep.delays[0] <= 0.004 and 0 <= sleep.delays[1] <= 0.006  # base*2^(n-1), capped


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_then_success(fake_openai: FakeOpenAIServer, status: int) -> None:
    fake_openai.enqueue_chat(Behaviour.server_error(status), Behaviour.ok(PLAN, cost=0.001))
    response = provider(fake_openai).complete_json(request(), Plan)
    assert response.value.confidence == 0.91
    assert fake_openai.chat_count == 2
    assert response.usage.cost_usd == pytest.approx(0.001)  # the failed attempt billed nothing


def test_timeout_then_success(fake_openai: FakeOpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    # The server holds the first answer far beyond the client's timeout (released when the server stops).
    fake_openai.enqueue_chat(Behaviour.slow(30.0), Behaviour.ok(PLAN))
    response = provider(fake_openai, timeout_s=0.3).complete_json(request(), Plan)
    assert response.value.archetype == "dashboard"
    assert fake_openai.chat_count == 2
    assert "timed out" in caplog.text


@pytest.mark.parametrize("attempts", [1, 3, 5])
def test_all_attempts_failing_is_unavailable_after_exactly_n(fake_openai: FakeOpenAIServer,
                                                            attempts: int) -> None:
    fake_openai.always(Behaviour.server_error(503))
    sleep = RecordingSleep()
    with pytest.raises(LLMUnavailableError) as info:
        provider(fake_openai, sleep, max_attempts=attempts).complete_json(request(), Plan)
    # The SDK's own retries are off: the server saw exactly our attempts, and we slept between them only.
    assert fake_openai.chat_count == attempts
    assert len(sleep.delays) == attempts - 1
    message = str(info.value)
    assert f"after {attempts} attempt(s)" in message and "HTTP 503" in message and "'plan'" in message


def test_connection_refused_is_unavailable(fake_openai: FakeOpenAIServer) -> None:
    port = fake_openai.port
    fake_openai.stop()  # nothing listens on the port any more
    p = provider(fake_openai, base_url=f"http://127.0.0.1:{port}/v1", max_attempts=2)
    with pytest.raises(LLMUnavailableError, match="connection error"):
        p.complete_json(request(), Plan)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_fails_at_once(fake_openai: FakeOpenAIServer, status: int) -> None:
    fake_openai.always(Behaviour.error(status))
    with pytest.raises(LLMRequestError, match=f"HTTP {status}"):
        provider(fake_openai, max_attempts=4).complete_json(request(), Plan)
    assert fake_openai.chat_count == 1


def test_malformed_json_then_fixed(fake_openai: FakeOpenAIServer) -> None:
    fixed = Behaviour.ok(PLAN, prompt_tokens=40, completion_tokens=20)
    fake_openai.enqueue_chat(Behaviour.malformed_json(), fixed)
    response = provider(fake_openai).complete_json(request(), Plan)

    assert response.value.archetype == "dashboard"
    assert response.exchanges == 2
    # Both exchanges count: the cost SLO sees the failed attempt too.
    assert (response.usage.input_tokens, response.usage.output_tokens) == (10 + 40, 5 + 20)
    first, second = fake_openai.chat_requests
    assert len(first.body["messages"]) == 2
    messages = second.body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == Behaviour.malformed_json().content
    assert "rejected" in messages[3]["content"] and "Invalid JSON" in messages[3]["content"]


def test_fenced_json_is_accepted(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_chat(Behaviour.ok("```json\n" + json.dumps(PLAN) + "\n```"))
    assert provider(fake_openai).complete_json(request(), Plan).value.pages == ["overview"]
    assert fake_openai.chat_count == 1


def test_wrong_schema_always_is_output_error_after_bounded_attempts(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.always(Behaviour.wrong_schema({"archetype": "spaceship", "confidence": 7}))
    with pytest.raises(LLMOutputError) as info:
        provider(fake_openai, max_output_attempts=3).complete_json(request(), Plan)
    assert fake_openai.chat_count == 3
    message = str(info.value)
    assert "Plan" in message and "'plan'" in message and "after 3 attempt(s)" in message
    assert "archetype" in message and "has_ui" in message  # names the offending fields
    assert info.value.usage is not None and info.value.usage.input_tokens == 3 * 10
    # The validation error was fed back each time.
    assert "has_ui" in fake_openai.chat_requests[-1].body["messages"][-1]["content"]
