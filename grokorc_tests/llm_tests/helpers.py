"""Shared pieces of the LLM tests: a real plan answer, a request, settings pointing at the fake server."""

from __future__ import annotations

import secrets
import time

from pydantic import SecretStr

from grokorc_assets.llm import LLMRequest, LLMSettings
from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer

# A fresh, realistic-looking key per run, so a leak cannot hide behind a constant that is masked anyway.
API_KEY = "sk-or-v1-" + secrets.token_hex(24)

PLAN = {
    "archetype": "dashboard",
    "confidence": 0.91,
    "has_ui": True,
    "stack": {"frontend": ["react"], "backend": ["fastapi"], "database": ["postgres"], "devops": []},
    "explicit": ["react", "fastapi"],
    "entities": ["order", "region"],
    "features": ["charts", "csv_export"],
    "pages": ["overview"],
}


def request(user: str = "Sales analytics dashboard with revenue by region", revision: int = 1) -> LLMRequest:
    return LLMRequest(system="You infer a project plan.", user=user, asset="plan",
                      project_id="demo-001", revision=revision)


def settings(fake: FakeOpenAIServer, **overrides: object) -> LLMSettings:
    values: dict[str, object] = dict(
        provider="openai", base_url=fake.base_url, api_key=SecretStr(API_KEY), model="openai/gpt-4o-mini",
        timeout_s=2.0, max_attempts=3, max_output_attempts=3, backoff_base_s=0.001, backoff_cap_s=0.01,
        record_mode="live",  # tests that record or replay say so
    )
    values.update(overrides)
    return LLMSettings(**values)


class RecordingSleep:
    """Injected as the provider's ``sleep``: remembers each backoff delay, then really sleeps it (tiny)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        time.sleep(seconds)
