"""The fake server's own contract, through the real SDK (the lead reuses it elsewhere)."""

from __future__ import annotations

import openai
import pytest

from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer, fake_embedding


def client(fake: FakeOpenAIServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key="k", max_retries=0, timeout=2.0)


def test_embeddings_are_deterministic(fake_openai: FakeOpenAIServer) -> None:
    first = client(fake_openai).embeddings.create(model="e", input=["alpha", "beta"])
    second = client(fake_openai).embeddings.create(model="e", input="alpha")
    assert [d.embedding for d in first.data] == [fake_embedding("alpha", 8), fake_embedding("beta", 8)]
    assert second.data[0].embedding == first.data[0].embedding
    assert first.data[0].embedding != first.data[1].embedding
    assert [r.path for r in fake_openai.requests] == ["/v1/embeddings", "/v1/embeddings"]


def test_scripted_embeddings_errors(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.enqueue_embeddings(Behaviour.server_error(503))
    with pytest.raises(openai.InternalServerError):
        client(fake_openai).embeddings.create(model="e", input="x")
    assert client(fake_openai).embeddings.create(model="e", input="x").data


def test_unscripted_chat_is_an_error_and_queue_order_holds(fake_openai: FakeOpenAIServer) -> None:
    with pytest.raises(openai.InternalServerError, match="no scripted behaviour"):
        client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    fake_openai.enqueue_chat(Behaviour.ok("one"), Behaviour.ok("two", cost=0.5))
    assert fake_openai.pending == 2
    c = client(fake_openai)
    first = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    second = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "y"}])
    assert (first.choices[0].message.content, second.choices[0].message.content) == ("one", "two")
    assert second.usage is not None and second.usage.model_extra == {"cost": 0.5}
    assert fake_openai.chat_count == 3
    assert fake_openai.chat_requests[2].body["messages"][0]["content"] == "y"
