"""LLM settings read from the environment (``GROKORC_LLM_*``, see docs/design.md "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from grokorc_assets.llm.errors import ConfigError

# Field name -> environment variable, so every error can name what the user must fix.
ENV_VARS: dict[str, str] = {
    "provider": "GROKORC_LLM_PROVIDER",
    "base_url": "GROKORC_LLM_BASE_URL",
    "api_key": "GROKORC_LLM_API_KEY",
    "model": "GROKORC_LLM_MODEL",
    "timeout_s": "GROKORC_LLM_TIMEOUT_SECONDS",
    "max_attempts": "GROKORC_LLM_MAX_ATTEMPTS",
    "max_output_attempts": "GROKORC_LLM_MAX_OUTPUT_ATTEMPTS",
    "backoff_base_s": "GROKORC_LLM_BACKOFF_BASE_SECONDS",
    "backoff_cap_s": "GROKORC_LLM_BACKOFF_CAP_SECONDS",
    "record_mode": "GROKORC_LLM_RECORD_MODE",
    "embeddings_model": "GROKORC_EMBEDDINGS_MODEL",
}


class LLMSettings(BaseModel):
    """How to reach the LLM and how hard to try. The API key is a SecretStr: its repr shows ``**********``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Literal["offline", "openai"] = "offline"
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = "offline"
    timeout_s: float = Field(default=60.0, gt=0)
    # Transport attempts per exchange (timeouts, connection errors, 429, 5xx), first try included.
    max_attempts: int = Field(default=4, ge=1, le=20)
    # Exchanges per call when the model answers with invalid JSON or the wrong schema.
    max_output_attempts: int = Field(default=3, ge=1, le=10)
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_cap_s: float = Field(default=30.0, ge=0)
    # Record by default: every build can later be replayed (a backfill re-run then costs nothing).
    record_mode: Literal["live", "record", "replay"] = "record"
    # An embeddings model at base_url fills pgvector and serves the planner's neighbours; unset, the
    # offline hashing embedder does (planning/embeddings.py).
    embeddings_model: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """Settings from ``env`` (default ``os.environ``); raises ConfigError naming the bad variable."""
        return load_settings(env)

    @model_validator(mode="after")
    def _check_openai(self) -> LLMSettings:
        if self.embeddings_model and not self.base_url:
            raise ValueError("base_url: is required when GROKORC_EMBEDDINGS_MODEL is set")
        if self.provider == "openai" and not self.base_url:
            raise ValueError("base_url: is required when GROKORC_LLM_PROVIDER=openai")
        if self.base_url and (self.provider == "openai" or self.embeddings_model):
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("base_url: must be an http:// or https:// URL with a host")
        if self.provider != "openai":
            return self
        if not self.model or self.model == "offline":
            raise ValueError("model: is required when GROKORC_LLM_PROVIDER=openai")
        return self


def _field_of(error: dict) -> str | None:
    loc = error.get("loc") or ()
    if loc and loc[0] in ENV_VARS:
        return str(loc[0])
    # model-level validators above prefix their message with the field name.
    msg = str(error.get("msg", ""))
    for name in ENV_VARS:
        if f"{name}:" in msg:
            return name
    return None


def _describe(error: dict) -> str:
    field = _field_of(error)
    var = ENV_VARS.get(field or "", "GROKORC_LLM_*")
    msg = str(error.get("msg", "invalid value")).replace("Value error, ", "")
    if field:
        msg = msg.replace(f"{field}: ", "")
    # Echo the bad value for plain settings only; never for the key (or a URL that may embed one).
    shown = "" if field in ("api_key", "base_url") or "input" not in error else f" (got {error['input']!r})"
    return f"{var}: {msg}{shown}"


def load_settings(env: Mapping[str, str] | None = None) -> LLMSettings:
    """Build settings from ``env`` (default ``os.environ``); unset or empty variables take the defaults."""
    env = os.environ if env is None else env
    raw = {field: env[var].strip() for field, var in ENV_VARS.items() if env.get(var, "").strip()}
    if "provider" in raw:
        raw["provider"] = raw["provider"].lower()
    try:
        return LLMSettings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors(include_url=False))
        raise ConfigError(f"invalid LLM configuration: {problems}") from None

