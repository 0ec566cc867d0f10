from __future__ import annotations

import pytest

from grokorc_assets.llm import ConfigError, LLMSettings, load_settings

BASE = {"GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_BASE_URL": "https://openrouter.ai/api/v1",
        "GROKORC_LLM_MODEL": "openai/gpt-4o-mini"}


def test_defaults_are_offline() -> None:
    s = load_settings({})
    assert (s.provider, s.model, s.api_key, s.record_mode) == ("offline", "offline", None, "record")


def test_openai_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**BASE, "GROKORC_LLM_PROVIDER": "OpenAI", "GROKORC_LLM_API_KEY": "k-123",
                        "GROKORC_LLM_TIMEOUT_SECONDS": "12.5", "GROKORC_LLM_MAX_ATTEMPTS": "6",
                        "GROKORC_LLM_BACKOFF_BASE_SECONDS": "0.2", "GROKORC_LLM_BACKOFF_CAP_SECONDS": "4",
                        "GROKORC_LLM_RECORD_MODE": "replay"}.items():
        monkeypatch.setenv(name, value)
    s = LLMSettings.from_env()
    assert s.provider == "openai" and s.base_url == BASE["GROKORC_LLM_BASE_URL"]
    assert s.api_key is not None and s.api_key.get_secret_value() == "k-123"
    assert (s.timeout_s, s.max_attempts, s.backoff_base_s, s.backoff_cap_s) == (12.5, 6, 0.2, 4.0)
    assert s.record_mode == "replay"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"GROKORC_LLM_PROVIDER": "openai", "GROKORC_LLM_MODEL": "m"}, "GROKORC_LLM_BASE_URL"),
        ({**BASE, "GROKORC_LLM_BASE_URL": "openrouter.ai/api/v1"}, "GROKORC_LLM_BASE_URL"),
        ({**BASE, "GROKORC_LLM_MODEL": ""}, "GROKORC_LLM_MODEL"),
        ({"GROKORC_LLM_PROVIDER": "anthropic"}, "GROKORC_LLM_PROVIDER"),
        ({"GROKORC_LLM_TIMEOUT_SECONDS": "soon"}, "GROKORC_LLM_TIMEOUT_SECONDS"),
        ({"GROKORC_LLM_TIMEOUT_SECONDS": "0"}, "GROKORC_LLM_TIMEOUT_SECONDS"),
        ({"GROKORC_LLM_MAX_ATTEMPTS": "0"}, "GROKORC_LLM_MAX_ATTEMPTS"),
        ({"GROKORC_LLM_BACKOFF_BASE_SECONDS": "-1"}, "GROKORC_LLM_BACKOFF_BASE_SECONDS"),
        ({"GROKORC_LLM_RECORD_MODE": "rewind"}, "GROKORC_LLM_RECORD_MODE"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert variable in str(info.value)


def test_settings_repr_masks_the_key() -> None:
    s = load_settings({**BASE, "GROKORC_LLM_API_KEY": "sk-live-abcdefghijklmnop"})
    assert "sk-live-abcdefghijklmnop" not in repr(s)
    assert "**********" in repr(s)
