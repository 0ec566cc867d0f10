"""One place that turns settings into the provider an asset should use."""

from __future__ import annotations

from grokorc_assets.llm.offline import OfflineFn, OfflineProvider
from grokorc_assets.llm.openai_provider import OpenAIProvider
from grokorc_assets.llm.provider import LLMProvider
from grokorc_assets.llm.record import ExchangeStore, RecordingProvider
from grokorc_assets.llm.settings import LLMSettings


def make_provider(
    settings: LLMSettings, offline_fn: OfflineFn, store: ExchangeStore | None = None
) -> LLMProvider:
    """Offline or OpenAI-compatible per ``settings.provider``; wrapped for record/replay when a store is
    given and ``settings.record_mode`` is not ``live`` (replay without a store would silently go live)."""
    inner: LLMProvider
    inner = OfflineProvider(offline_fn) if settings.provider == "offline" else OpenAIProvider(settings)
    if settings.record_mode == "live":
        return inner
    if store is None:
        raise ValueError(f"record mode {settings.record_mode!r} needs an exchange store")
    return RecordingProvider(inner, store, settings.record_mode)
