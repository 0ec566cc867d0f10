"""The provider interface every LLM caller uses: one JSON-producing exchange, validated and priced."""

from __future__ import annotations

import hashlib
import json
from typing import Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.models import Usage

T = TypeVar("T", bound=BaseModel)


class LLMRequest(BaseModel):
    """One prompt, plus who asked for it (the asset and the project revision) for records and errors."""

    model_config = ConfigDict(frozen=True)

    system: str
    user: str
    asset: str
    project_id: str
    revision: int = Field(ge=1)


class LLMResponse(BaseModel, Generic[T]):
    """The validated object, the exact text it came from, what it cost and how long it took."""

    value: T
    raw_text: str
    usage: Usage
    latency_s: float = Field(ge=0)
    prompt_hash: str = ""
    # True when served from a recorded exchange: usage tokens are the recorded ones, cost is 0.0.
    replayed: bool = False
    # Exchanges that this call made (each counts towards usage); 0 when replayed.
    exchanges: int = 1


@runtime_checkable
class LLMProvider(Protocol):
    """A source of JSON answers. ``name`` and ``model`` take part in the prompt hash."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    def complete_json(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]: ...


def prompt_hash(provider: str, model: str, request: LLMRequest, output_model: type[BaseModel]) -> str:
    """sha256 over what determines an answer: provider, model, messages and the output schema.

    Project, revision and asset are deliberately left out: the same prompt for another revision
    can be replayed from the same record.
    """
    material = {
        "provider": provider,
        "model": model,
        "messages": [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
        ],
        "schema": output_model.model_json_schema(),
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def estimate_tokens(text: str) -> int:
    """Rough token count (~4 characters a token), for providers that report none."""
    return (len(text) + 3) // 4


class WrappingProvider:
    """Base of the providers that wrap another (metering, record/replay): they answer to the inner
    provider's name and model, so prompt hashes and prices stay those of the real model."""

    def __init__(self, inner: LLMProvider) -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def model(self) -> str:
        return self._inner.model
