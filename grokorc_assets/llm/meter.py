"""A provider wrapper that adds up the usage of every exchange made through it (for the cost SLO)."""

from __future__ import annotations

import threading

from grokorc_assets.llm.provider import LLMProvider, LLMRequest, LLMResponse, T, WrappingProvider
from grokorc_assets.models import Usage


class MeteredProvider(WrappingProvider):
    def __init__(self, inner: LLMProvider) -> None:
        super().__init__(inner)
        self._lock = threading.Lock()
        self.usage = Usage(model=inner.model, estimated=False)

    def complete_json(self, request: LLMRequest, output_model: type[T]) -> LLMResponse[T]:
        response = self._inner.complete_json(request, output_model)
        with self._lock:
            self.usage = self.usage.plus(response.usage)
        return response
