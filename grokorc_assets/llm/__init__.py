"""LLM access for grokorc: settings, providers (offline, OpenAI-compatible), pricing, record/replay
and validation of generated files. Plain Python: no Dagster here."""

from grokorc_assets.llm.errors import (
    ConfigError,
    LLMError,
    LLMOutputError,
    LLMRequestError,
    LLMUnavailableError,
    ReplayMissError,
    UnsafeOutputError,
)
from grokorc_assets.llm.factory import make_provider
from grokorc_assets.llm.files import FileLimits, GeneratedFile, safe_write, validate_generated_files
from grokorc_assets.llm.offline import OfflineProvider
from grokorc_assets.llm.pricing import PriceTable, load_prices, price
from grokorc_assets.llm.provider import LLMProvider, LLMRequest, LLMResponse, prompt_hash
from grokorc_assets.llm.record import (
    ExchangeStore,
    InMemoryExchangeStore,
    RecordingProvider,
    RecordMode,
    StoredExchange,
)
from grokorc_assets.llm.redact import redact
from grokorc_assets.llm.settings import LLMSettings, load_settings


def __getattr__(name: str):
    # OpenAIProvider on first use only: importing the openai client costs ~0.6 s, and offline builds
    # (every run worker, every CLI call) never need it.
    if name == "OpenAIProvider":
        from grokorc_assets.llm.openai_provider import OpenAIProvider

        return OpenAIProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "ConfigError", "ExchangeStore", "FileLimits", "GeneratedFile", "InMemoryExchangeStore", "LLMError",
    "LLMOutputError", "LLMProvider", "LLMRequest", "LLMRequestError", "LLMResponse", "LLMSettings",
    "LLMUnavailableError", "OfflineProvider", "OpenAIProvider", "PriceTable", "RecordMode",
    "RecordingProvider", "ReplayMissError", "StoredExchange", "UnsafeOutputError", "load_prices",
    "load_settings", "make_provider", "price", "prompt_hash", "redact", "safe_write",
    "validate_generated_files",
]
