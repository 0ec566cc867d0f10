"""A provider for any OpenAI-compatible chat-completions endpoint (OpenAI, OpenRouter, Ollama, vLLM,
llama.cpp).

Two bounded retry loops, one inside the other:
- transport: timeouts, connection errors, 429 and 5xx are retried with full-jitter backoff (Retry-After
  wins when the server sends it); other 4xx fail at once; exhausted -> LLMUnavailableError;
- output: invalid JSON or the wrong schema is sent back to the model with the validation error;
  exhausted -> LLMOutputError.
Every exchange's usage is summed, because the cost SLO counts the failed attempts too.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import openai
from pydantic import BaseModel, ValidationError

from grokorc_assets.llm.errors import LLMOutputError, LLMRequestError, LLMUnavailableError
from grokorc_assets.llm.pricing import PriceTable, price
from grokorc_assets.llm.provider import LLMRequest, LLMResponse, T, estimate_tokens, prompt_hash
from grokorc_assets.llm.redact import redact
from grokorc_assets.llm.retry import backoff_delay, retry_after_seconds
from grokorc_assets.llm.settings import LLMSettings
from grokorc_assets.models import Usage
from grokorc_assets.telemetry.genai import llm_span, record_response, server_attributes

log = logging.getLogger("grokorc.llm")

# Local servers (Ollama, llama.cpp) accept any key, but the SDK insists on one; without this it would
# fall back to OPENAI_API_KEY from the environment, which belongs to someone else's configuration.
NO_KEY = "not-needed"
MAX_ERROR_CHARS = 1200


def system_prompt(system: str, output_model: type[BaseModel]) -> str:
    schema = json.dumps(output_model.model_json_schema(), sort_keys=True)
    return (
        f"{system}\n\nReply with one JSON object and nothing else (no prose, no code fences). "
        f"It must validate against this JSON schema:\n{schema}"
    )


def strip_fences(text: str) -> str:
    """Drop a ```json fence some models add despite being told not to."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```") and "\n" in stripped:
        return stripped[stripped.index("\n") + 1 : -3].strip()
    return stripped


def describe_validation(exc: ValidationError, limit: int = 10) -> str:
    """The validation problems without the input values (the model sees them, logs need not)."""
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False)
    ]
    more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


def sum_usage(model: str, parts: list[Usage]) -> Usage:
    return Usage(
        model=model,
        input_tokens=sum(u.input_tokens for u in parts),
        output_tokens=sum(u.output_tokens for u in parts),
        cost_usd=sum(u.cost_usd for u in parts),
        estimated=any(u.estimated for u in parts) if parts else True,
    )


class OpenAIProvider:
    name = "openai"

    def __init__(
        self,
        settings: LLMSettings,
        *,
        prices: PriceTable | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not settings.base_url:
            raise ValueError("OpenAIProvider needs settings.base_url (GROKORC_LLM_BASE_URL)")
        self._settings = settings
        self._prices = prices
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secret = settings.api_key.get_secret_value() if settings.api_key else ""
        self._client = openai.OpenAI(
            base_url=settings.base_url,
            api_key=self._secret or NO_KEY,
            max_retries=0,  # retries are ours: bounded, jittered, counted in usage
            timeout=settings.timeout_s,
        )

    @property
    def model(self) -> str:
        return self._settings.model

    def __repr__(self) -> str:
        return (
            f"OpenAIProvider(base_url={redact(self._settings.base_url, self._secret)!r}, "
            f"model={self.model!r}, timeout_s={self._settings.timeout_s})"
        )

    def _redact(self, text: object) -> str:
        return redact(text, self._secret)[:MAX_ERROR_CHARS]

    def complete_json(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        # One GenAI span per call (all its exchanges); host and port only, never the key or prompts.
        with llm_span(self.name, self.model, request, server=server_attributes(self._settings.base_url)) as span:
            response = self._complete(request, output_model)
            record_response(span, response)
            return response

    def _complete(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        started = time.perf_counter()
        messages: list[dict[str, str]] = [
            {"role": "system", "content": system_prompt(request.system, output_model)},
            {"role": "user", "content": request.user},
        ]
        spent: list[Usage] = []
        attempts = self._settings.max_output_attempts
        problem = ""
        for attempt in range(1, attempts + 1):
            completion = self._create(messages, request, spent)
            text = _content(completion)
            spent.append(self._usage_of(completion, messages, text))
            try:
                value = output_model.model_validate_json(strip_fences(text))
            except ValidationError as exc:
                problem = describe_validation(exc)
                log.warning(
                    "LLM output for asset %s rejected (attempt %d/%d): %s",
                    request.asset, attempt, attempts, self._redact(problem),
                )
                # Feed the error back: the model usually fixes the exact field it got wrong.
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": (
                        f"Your reply was rejected: {problem}\n"
                        "Reply again with only a JSON object that validates against the schema."
                    )},
                ]
                continue
            return LLMResponse[output_model](
                value=value,
                raw_text=text,
                usage=sum_usage(self.model, spent),
                latency_s=time.perf_counter() - started,
                prompt_hash=prompt_hash(self.name, self.model, request, output_model),
                exchanges=len(spent),
            )
        raise self._failure(LLMOutputError, spent, (
            f"model {self.model!r} gave no valid {output_model.__name__} JSON for asset "
            f"{request.asset!r} (project {request.project_id} r{request.revision}) after "
            f"{attempts} attempt(s); last problem: {problem}"
        ))

    def _failure(self, error: type[Exception], spent: list[Usage], message: str) -> Exception:
        """The error to raise, its message redacted, carrying what the attempts spent (the cost SLO
        counts failed exchanges too)."""
        return error(self._redact(message), usage=sum_usage(self.model, spent))

    def _create(self, messages: list[dict[str, str]], request: LLMRequest, spent: list[Usage]) -> Any:
        """One exchange, retried on transient failures; ``spent`` only rides along into the errors."""
        limit = self._settings.max_attempts
        reason = ""
        for attempt in range(1, limit + 1):
            wait: float | None = None
            try:
                return self._client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_format={"type": "json_object"},
                )
            except openai.APITimeoutError:
                reason = f"timed out after {self._settings.timeout_s}s"
            except openai.APIConnectionError as exc:
                reason = f"connection error ({type(exc.__cause__ or exc).__name__})"
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status != 429 and status < 500:
                    raise LLMRequestError(
                        self._redact(
                            f"LLM endpoint rejected the request for asset {request.asset!r}: "
                            f"HTTP {status}: {exc.message}"
                        ),
                        usage=sum_usage(self.model, spent),
                    ) from None
                reason = f"HTTP {status}"
                wait = retry_after_seconds(exc.response.headers)
            except openai.APIError as exc:  # e.g. an unparseable body: treat as a transient fault
                reason = f"bad response ({type(exc).__name__})"
            if attempt == limit:
                break
            if wait is not None:
                delay = min(wait, self._settings.backoff_cap_s)  # honour Retry-After, within our cap
            else:
                delay = backoff_delay(attempt, self._settings.backoff_base_s, self._settings.backoff_cap_s,
                                      self._rng)
            log.warning(
                "LLM call for asset %s failed: %s (attempt %d/%d); retrying in %.3fs",
                request.asset, self._redact(reason), attempt, limit, delay,
            )
            self._sleep(delay)
        raise self._failure(LLMUnavailableError, spent, (
            f"LLM endpoint {self._settings.base_url} unavailable for asset {request.asset!r} "
            f"(project {request.project_id} r{request.revision}) after {limit} attempt(s); "
            f"last failure: {reason}"
        ))

    def _usage_of(self, completion: Any, messages: list[dict[str, str]], text: str) -> Usage:
        reported = getattr(completion, "usage", None)
        if reported is None:
            # Some local servers omit usage: estimate, and say so.
            prompt = "".join(m["content"] for m in messages)
            usage = Usage(model=self.model, input_tokens=estimate_tokens(prompt),
                          output_tokens=estimate_tokens(text), estimated=True)
        else:
            usage = Usage(model=self.model, input_tokens=reported.prompt_tokens or 0,
                          output_tokens=reported.completion_tokens or 0, estimated=False)
        provider_cost = (getattr(reported, "model_extra", None) or {}).get("cost")
        if isinstance(provider_cost, int | float) and not isinstance(provider_cost, bool):
            # OpenRouter reports what it actually charged: that beats any list price.
            return usage.model_copy(update={"cost_usd": float(provider_cost)})
        return usage.model_copy(update={"cost_usd": price(usage, self._prices)})


def _content(completion: Any) -> str:
    choices = getattr(completion, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    return (getattr(message, "content", None) or "") if message is not None else ""
