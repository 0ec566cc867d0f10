"""The API key reaches the server's Authorization header and nowhere else."""

from __future__ import annotations

import logging
import random
import traceback

import pytest
from pydantic import SecretStr

from grokorc_assets.llm import (
    ConfigError,
    LLMError,
    LLMOutputError,
    LLMRequestError,
    LLMUnavailableError,
    OpenAIProvider,
    load_settings,
    redact,
)
from grokorc_assets.models import Plan
from grokorc_tests.llm_tests.fake_openai import Behaviour, FakeOpenAIServer
from grokorc_tests.llm_tests.helpers import API_KEY, RecordingSleep, request, settings


def everything_said(exc: BaseException) -> str:
    """Message, full formatted traceback (chained causes included) and repr of the exception."""
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc))])


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        # A server echoing the key in its error body (some do, partially; this one fully).
        (Behaviour.error(401, {"error": {"message": f"Incorrect API key: {API_KEY}"}}), LLMRequestError),
        (Behaviour.error(503, {"error": {"message": f"overloaded for key {API_KEY}"}}), LLMUnavailableError),
        (Behaviour.rate_limited(retry_after=0), LLMUnavailableError),
        (Behaviour.wrong_schema({"echo": API_KEY}), LLMOutputError),
        (Behaviour.malformed_json(f"not json {API_KEY}"), LLMOutputError),
    ],
)
def test_key_never_in_errors_or_logs(
    fake_openai: FakeOpenAIServer, caplog: pytest.LogCaptureFixture, behaviour: Behaviour,
    error: type[LLMError],
) -> None:
    caplog.set_level(logging.DEBUG)  # the SDK's and httpx's debug logs too
    fake_openai.always(behaviour)
    p = OpenAIProvider(settings(fake_openai), sleep=RecordingSleep(), rng=random.Random(1))
    with pytest.raises(error) as info:
        p.complete_json(request(), Plan)

    assert fake_openai.chat_requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in everything_said(info.value)
    assert caplog.records, "the retries/rejections should have been logged"
    assert API_KEY not in caplog.text
    assert all(API_KEY not in r.getMessage() for r in caplog.records)


def test_key_never_in_repr(fake_openai: FakeOpenAIServer) -> None:
    s = settings(fake_openai)
    p = OpenAIProvider(s)
    for text in (repr(s), str(s), repr(p), str(p), s.model_dump_json()):
        assert API_KEY not in text
    assert s.api_key is not None and s.api_key.get_secret_value() == API_KEY


def test_key_never_in_config_errors() -> None:
    env = {"GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_API_KEY": API_KEY,
           "GROKORC_LLM_BASE_URL": f"ftp://user:{API_KEY}@host/v1", "GROKORC_LLM_MODEL": "m"}
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert "GROKORC_LLM_BASE_URL" in str(info.value)
    assert API_KEY not in everything_said(info.value)


def test_redact() -> None:
    assert redact(f"key={API_KEY} again {API_KEY}", API_KEY) == "key=*** again ***"
    assert redact("x", SecretStr(API_KEY)) == "x"
    assert redact(f"as secretstr {API_KEY}", SecretStr(API_KEY)) == "as secretstr ***"
    # Credential shapes are masked even when the secret itself is not passed.
    assert API_KEY not in redact(f"Authorization: Bearer {API_KEY}")
    assert API_KEY not in redact(f"got {API_KEY}")
    assert "hunter2" not in redact("https://bob:hunter2@example.com/v1")
    assert redact('{"api_key": "abc123"}') == '{"api_key": "***"}'
    assert redact("nothing to hide", None, "") == "nothing to hide"
