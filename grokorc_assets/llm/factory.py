"""One place that turns settings into the provider an asset should use."""

from __future__ import annotations

from grokorc_assets.llm.offline import OfflineFn, OfflineProvider
from grokorc_assets.llm.provider import LLMProvider
from grokorc_assets.llm.record import ExchangeStore, RecordingProvider
from grokorc_assets.llm.settings import LLMSettings


def make_provider(
    settings: LLMSettings, offline_fn: OfflineFn, store: ExchangeStore | None = None
) -> LLMProvider:
    """Offline or OpenAI-compatible per ``settings.provider``; wrapped for record/replay when a store is
    given and ``settings.record_mode`` is not ``live`` (replay without a store would silently go live)."""
    inner: LLMProvider
    if settings.provider == "offline":
        inner = OfflineProvider(offline_fn)
    else:
        # Imported here: the openai client costs ~0.6 s to import, in every run worker and CLI call.
        from grokorc_assets.llm.openai_provider import OpenAIProvider

        inner = OpenAIProvider(settings)
    if settings.record_mode == "live":
        return inner
    if store is None:
        raise ValueError(f"record mode {settings.record_mode!r} needs an exchange store")
    return RecordingProvider(inner, store, settings.record_mode)
