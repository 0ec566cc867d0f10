from __future__ import annotations

import random

import pytest
from pydantic import BaseModel

from grokorc_assets.llm import (
    InMemoryExchangeStore,
    LLMProvider,
    LLMSettings,
    OfflineProvider,
    OpenAIProvider,
    RecordingProvider,
    ReplayMissError,
    make_provider,
    prompt_hash,
)
from grokorc_assets.models import Plan
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.llm_tests.helpers import PLAN, RecordingSleep, request, settings


def live(fake: FakeOpenAIServer) -> OpenAIProvider:
    return OpenAIProvider(settings(fake), sleep=RecordingSleep(), rng=random.Random(3))


def test_record_then_replay_is_identical_free_and_offline(fake_openai: FakeOpenAIServer) -> None:
    store = InMemoryExchangeStore()
    fake_openai.enqueue_chat(Behaviour.ok(PLAN, prompt_tokens=900, completion_tokens=250, cost=0.0123))
    recorded = RecordingProvider(live(fake_openai), store, "record").complete_json(request(), Plan)
    assert fake_openai.chat_count == 1 and len(store) == 1

    stored = store.get(recorded.prompt_hash)
    assert stored is not None
    assert (stored.project_id, stored.revision, stored.asset) == ("demo-001", 1, "plan")
    assert (stored.provider, stored.model) == ("openai", "openai/gpt-4o-mini")
    assert stored.response_text == recorded.raw_text
    assert stored.usage.cost_usd == pytest.approx(0.0123)

    replayer = RecordingProvider(live(fake_openai), store, "replay")
    replayed = replayer.complete_json(request(), Plan)
    assert fake_openai.chat_count == 1  # no request reached the server during replay
    assert replayed.raw_text.encode() == recorded.raw_text.encode()
    assert replayed.value.model_dump_json() == recorded.value.model_dump_json()
    assert replayed.replayed is True and recorded.replayed is False
    assert replayed.usage.cost_usd == 0.0
    assert (replayed.usage.input_tokens, replayed.usage.output_tokens) == (900, 250)
    assert replayed.usage.model == "openai/gpt-4o-mini"
    assert replayed.exchanges == 0


def test_replay_serves_other_revisions_of_the_same_prompt(fake_openai: FakeOpenAIServer) -> None:
    store = InMemoryExchangeStore()
    fake_openai.enqueue_chat(Behaviour.ok(PLAN))
    RecordingProvider(live(fake_openai), store, "record").complete_json(request(revision=1), Plan)
    again = RecordingProvider(live(fake_openai), store, "replay").complete_json(request(revision=2), Plan)
    assert again.value.archetype == "dashboard" and fake_openai.chat_count == 1


def test_replay_miss_names_the_asset_and_makes_no_call(fake_openai: FakeOpenAIServer) -> None:
    store = InMemoryExchangeStore()
    fake_openai.enqueue_chat(Behaviour.ok(PLAN))
    RecordingProvider(live(fake_openai), store, "record").complete_json(request(), Plan)

    replayer = RecordingProvider(live(fake_openai), store, "replay")
    with pytest.raises(ReplayMissError, match="'plan'") as info:
        replayer.complete_json(request(user="A different request"), Plan)
    assert info.value.asset == "plan"
    assert fake_openai.chat_count == 1


def test_live_mode_stores_nothing(fake_openai: FakeOpenAIServer) -> None:
    store = InMemoryExchangeStore()
    fake_openai.enqueue_chat(Behaviour.ok(PLAN))
    RecordingProvider(live(fake_openai), store, "live").complete_json(request(), Plan)
    assert len(store) == 0 and fake_openai.chat_count == 1


def test_prompt_hash_covers_provider_model_messages_and_schema() -> None:
    class Other(BaseModel):
        x: int

    base = prompt_hash("openai", "m", request(), Plan)
    assert base == prompt_hash("openai", "m", request(revision=9), Plan)  # revision is not part of it
    different = {
        prompt_hash("offline", "m", request(), Plan),
        prompt_hash("openai", "m2", request(), Plan),
        prompt_hash("openai", "m", request(user="other"), Plan),
        prompt_hash("openai", "m", request(), Other),
    }
    assert base not in different and len(different) == 4


def test_offline_provider_records_and_replays_too() -> None:
    calls: list[str] = []

    def offline_plan(req):  # the planning code passes its own deterministic function
        calls.append(req.user)
        return Plan.model_validate(PLAN)

    inner = OfflineProvider(offline_plan)
    assert isinstance(inner, LLMProvider)
    store = InMemoryExchangeStore()
    first = RecordingProvider(inner, store, "record").complete_json(request(), Plan)
    second = RecordingProvider(inner, store, "replay").complete_json(request(), Plan)
    assert calls == [request().user]
    assert second.raw_text == first.raw_text and second.replayed


def test_bad_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        inner = OfflineProvider(lambda r: Plan.model_validate(PLAN))
        RecordingProvider(inner, InMemoryExchangeStore(), "tape")


def test_make_provider_follows_settings(fake_openai: FakeOpenAIServer) -> None:
    offline = make_provider(LLMSettings(record_mode="live"), lambda r: Plan.model_validate(PLAN))
    assert isinstance(offline, OfflineProvider)
    live_provider = make_provider(settings(fake_openai), lambda r: Plan.model_validate(PLAN))
    assert isinstance(live_provider, OpenAIProvider)
    store = InMemoryExchangeStore()
    replay_settings = settings(fake_openai, record_mode="replay")
    replaying = make_provider(replay_settings, lambda r: Plan.model_validate(PLAN), store)
    assert isinstance(replaying, RecordingProvider) and replaying.mode == "replay"
    with pytest.raises(ReplayMissError):
        replaying.complete_json(request(), Plan)
    assert fake_openai.chat_count == 0
    with pytest.raises(ValueError, match="store"):
        make_provider(settings(fake_openai, record_mode="record"), lambda r: Plan.model_validate(PLAN))
