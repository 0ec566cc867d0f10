from __future__ import annotations

from collections.abc import Iterator

import pytest

from grokorc_tests.llm_tests.fake_openai import FakeOpenAIServer


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A started loopback OpenAI-compatible server on a free port, stopped after the test."""
    with FakeOpenAIServer() as server:
        yield server
