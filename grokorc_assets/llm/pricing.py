"""USD cost of an exchange from the price table in data/prices.yaml."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from pydantic import BaseModel, Field

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import Usage

PER = 1_000_000


class ModelPrice(BaseModel):
    """USD per million input and output tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)


class PriceTable(BaseModel):
    default: ModelPrice
    models: dict[str, ModelPrice] = Field(default_factory=dict)

    def lookup(self, model: str) -> ModelPrice:
        """Exact id first, then the first matching pattern, then ``default``."""
        if model in self.models:
            return self.models[model]
        for key, entry in self.models.items():
            if any(c in key for c in "*?[") and fnmatchcase(model, key):
                return entry
        return self.default


@lru_cache(maxsize=1)
def load_prices() -> PriceTable:
    return PriceTable.model_validate(load_yaml("grokorc_assets.llm", "data/prices.yaml"))


def price(usage: Usage, table: PriceTable | None = None) -> float:
    """Cost in USD of ``usage`` at list price (the provider-reported cost is applied by the provider)."""
    entry = (table or load_prices()).lookup(usage.model)
    return (usage.input_tokens * entry.input + usage.output_tokens * entry.output) / PER
