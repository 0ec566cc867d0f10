"""`llm`: the one place an asset gets its LLM provider from (offline, or an OpenAI-compatible endpoint).

The fields are the ``GROKORC_LLM_*`` settings a deployment chooses; definitions.py sets them from
``dagster.EnvVar`` (see ``resources/env.py``), so the Dagster UI shows ``GROKORC_LLM_API_KEY`` and never
the key. Retry and backoff tuning (``GROKORC_LLM_TIMEOUT_SECONDS``, ...) still comes from the step's
environment. The settings are validated as ``LLMSettings`` are everywhere (errors name the variable and
never echo the key or the URL).
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import Field

from grokorc_assets.llm.factory import make_provider
from grokorc_assets.llm.meter import MeteredProvider
from grokorc_assets.llm.offline import OfflineFn, no_offline_answer
from grokorc_assets.llm.provider import LLMProvider
from grokorc_assets.llm.settings import ENV_VARS, LLMSettings, load_settings
from grokorc_assets.resources.env import overlay
from grokorc_assets.storage.exchanges import PostgresExchangeStore

FIELDS = ("provider", "base_url", "api_key", "model", "record_mode", "embeddings_model")


class LLMResource(ConfigurableResource):
    """``None`` leaves a setting to the process environment; empty means unset (the default)."""

    ENV_VARS: ClassVar[dict[str, str]] = {field: ENV_VARS[field] for field in FIELDS}

    provider: str | None = Field(default=None, description="GROKORC_LLM_PROVIDER: offline (default) or openai.")
    base_url: str | None = Field(
        default=None, repr=False, description="GROKORC_LLM_BASE_URL: the OpenAI-compatible endpoint."
    )
    api_key: str | None = Field(default=None, repr=False, description="GROKORC_LLM_API_KEY (a secret).")
    model: str | None = Field(default=None, description="GROKORC_LLM_MODEL: required with openai.")
    record_mode: str | None = Field(
        default=None, description="GROKORC_LLM_RECORD_MODE: record (default), replay or live."
    )
    embeddings_model: str | None = Field(
        default=None, description="GROKORC_EMBEDDINGS_MODEL: embeddings at the endpoint (unset: offline hashing)."
    )

    @cached_property
    def settings(self) -> LLMSettings:
        """Raises ``grokorc_assets.llm.ConfigError`` naming the bad variable."""
        return load_settings(overlay(self))

    @property
    def is_offline(self) -> bool:
        return self.settings.provider == "offline"

    def provider_for(self, engine: sa.Engine, offline_fn: OfflineFn = no_offline_answer) -> LLMProvider:
        """The step's provider; exchanges are recorded in (or replayed from) grokorc's Postgres."""
        return make_provider(self.settings, offline_fn, PostgresExchangeStore(engine))

    def metered_for(self, engine: sa.Engine, offline_fn: OfflineFn = no_offline_answer) -> MeteredProvider:
        """``provider_for`` that also adds up the step's token usage and cost."""
        return MeteredProvider(self.provider_for(engine, offline_fn))
