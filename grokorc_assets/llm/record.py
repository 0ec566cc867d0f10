"""Record and replay of LLM exchanges, keyed by the prompt hash.

``live`` calls the inner provider; ``record`` calls it and stores the answer; ``replay`` serves the
stored answer with no network call at all (cost 0.0, tokens as recorded, ``replayed=True``).
The store is a two-method protocol so a Postgres table can stand in for the in-memory dict.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field, ValidationError

from grokorc_assets.llm.errors import LLMOutputError, ReplayMissError
from grokorc_assets.llm.provider import LLMProvider, LLMRequest, LLMResponse, T, WrappingProvider, prompt_hash
from grokorc_assets.models import Usage
from grokorc_assets.telemetry.genai import llm_span, record_response

RecordMode = Literal["live", "record", "replay"]


class StoredExchange(BaseModel):
    """One recorded answer: who asked, the prompt hash, the exact response text and its usage."""

    prompt_hash: str
    provider: str
    model: str
    project_id: str
    revision: int
    asset: str
    response_text: str
    usage: Usage
    recorded_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class ExchangeStore(Protocol):
    def get(self, key: str) -> StoredExchange | None: ...

    def put(self, exchange: StoredExchange) -> None: ...


class InMemoryExchangeStore:
    """Dict-backed store for tests; a later ``put`` with the same prompt hash replaces the earlier one."""

    def __init__(self) -> None:
        self._items: dict[str, StoredExchange] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredExchange | None:
        with self._lock:
            return self._items.get(key)

    def put(self, exchange: StoredExchange) -> None:
        with self._lock:
            self._items[exchange.prompt_hash] = exchange

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class RecordingProvider(WrappingProvider):
    """Wraps a provider with record/replay; it is itself an LLMProvider."""

    def __init__(self, inner: LLMProvider, store: ExchangeStore, mode: RecordMode = "live") -> None:
        if mode not in ("live", "record", "replay"):
            raise ValueError(f"mode must be live, record or replay, not {mode!r}")
        super().__init__(inner)
        self._store = store
        self.mode = mode

    def __repr__(self) -> str:
        return f"RecordingProvider({self._inner!r}, mode={self.mode!r})"

    def complete_json(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        key = prompt_hash(self.name, self.model, request, output_model)
        if self.mode == "replay":
            # The inner provider is not called: this is the call's GenAI span (replayed, no cost).
            with llm_span(self.name, self.model, request) as span:
                replayed = self._replay(key, request, output_model)
                record_response(span, replayed)
                return replayed
        response = self._inner.complete_json(request, output_model)
        if self.mode == "record":
            self._store.put(StoredExchange(
                prompt_hash=key,
                provider=self.name,
                model=self.model,
                project_id=request.project_id,
                revision=request.revision,
                asset=request.asset,
                response_text=response.raw_text,
                usage=response.usage,
            ))
        return response.model_copy(update={"prompt_hash": key})

    def _replay(self, key: str, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        started = time.perf_counter()
        stored = self._store.get(key)
        if stored is None:
            raise ReplayMissError(request.asset, key)
        try:
            value = output_model.model_validate_json(stored.response_text)
        except ValidationError as exc:  # the key covers the schema, so only a tampered store gets here
            raise LLMOutputError(
                f"recorded exchange {key[:16]} for asset {request.asset!r} no longer validates "
                f"as {output_model.__name__}: {exc.error_count()} error(s)"
            ) from None
        return LLMResponse[output_model](
            value=value,
            raw_text=stored.response_text,
            # Tokens as recorded (so token dashboards stay comparable); nothing was spent this time.
            usage=stored.usage.model_copy(update={"cost_usd": 0.0}),
            latency_s=time.perf_counter() - started,
            prompt_hash=key,
            replayed=True,
            exchanges=0,
        )
