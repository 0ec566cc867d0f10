"""A provider with no network: a deterministic function answers, and usage is estimated at no cost."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel

from grokorc_assets.llm.provider import LLMRequest, LLMResponse, T, estimate_tokens, prompt_hash
from grokorc_assets.models import Usage
from grokorc_assets.telemetry.genai import llm_span, record_response

OfflineFn = Callable[[LLMRequest], BaseModel]


class OfflineProvider:
    """Answers with ``fn(request)``; the plan and generation code each pass their own function."""

    name = "offline"
    model = "offline"

    def __init__(self, fn: OfflineFn) -> None:
        self._fn = fn

    def __repr__(self) -> str:
        return f"OfflineProvider(fn={getattr(self._fn, '__qualname__', repr(self._fn))})"

    def complete_json(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        with llm_span(self.name, self.model, request) as span:
            response = self._complete(request, output_model)
            record_response(span, response)
            return response

    def _complete(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        started = time.perf_counter()
        produced = self._fn(request)
        # Re-validate through the schema so the offline path obeys the same contract as a live model.
        value = output_model.model_validate(produced.model_dump(mode="json"))
        raw = value.model_dump_json()
        usage = Usage(
            model="offline",
            input_tokens=estimate_tokens(request.system) + estimate_tokens(request.user),
            output_tokens=estimate_tokens(raw),
            cost_usd=0.0,
            estimated=True,
        )
        return LLMResponse[output_model](
            value=value,
            raw_text=raw,
            usage=usage,
            latency_s=time.perf_counter() - started,
            prompt_hash=prompt_hash(self.name, self.model, request, output_model),
        )


def no_offline_answer(request: LLMRequest) -> BaseModel:
    """The offline function for callers that only use an LLM when one is configured (generation and
    mediation go through templates and rules offline): reaching it is a programming error."""
    raise AssertionError(f"asset {request.asset!r} has no offline LLM answer; it must not call the provider offline")
