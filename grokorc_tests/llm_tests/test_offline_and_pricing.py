from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from grokorc_assets.llm import OfflineProvider, PriceTable, load_prices, price
from grokorc_assets.models import Plan, Usage
from grokorc_tests.llm_tests.helpers import PLAN, request


def test_offline_provider_estimates_usage_at_no_cost() -> None:
    provider = OfflineProvider(lambda req: Plan.model_validate({**PLAN, "entities": [req.project_id]}))
    req = request()
    response = provider.complete_json(req, Plan)

    assert response.value.entities == ["demo-001"]
    assert json.loads(response.raw_text)["archetype"] == "dashboard"
    usage = response.usage
    assert (usage.model, usage.cost_usd, usage.estimated) == ("offline", 0.0, True)
    assert usage.input_tokens == (len(req.system) + 3) // 4 + (len(req.user) + 3) // 4
    assert usage.output_tokens == (len(response.raw_text) + 3) // 4
    assert provider.complete_json(req, Plan).raw_text == response.raw_text  # deterministic


def test_offline_output_is_validated_against_the_model() -> None:
    provider = OfflineProvider(lambda req: Plan.model_validate(PLAN).model_copy(update={"confidence": 3.0}))
    with pytest.raises(ValidationError):
        provider.complete_json(request(), Plan)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-mini", (1000 * 0.15 + 2000 * 0.60) / 1e6),
        ("openai/gpt-4o", (1000 * 2.50 + 2000 * 10.00) / 1e6),
        ("anthropic/claude-3.5-sonnet", (1000 * 3.0 + 2000 * 15.0) / 1e6),
        ("meta-llama/llama-3.1-8b-instruct:free", 0.0),  # pattern *:free
        ("qwen2.5-coder:7b", 0.0),  # local model
        ("offline", 0.0),
    ],
)
def test_price_table(model: str, expected: float) -> None:
    assert price(Usage(model=model, input_tokens=1000, output_tokens=2000)) == pytest.approx(expected)


def test_unknown_model_uses_default() -> None:
    table = load_prices()
    assert table.default.input > 0 and table.default.output > 0
    usage = Usage(model="nobody/knows", input_tokens=2_000_000, output_tokens=1_000_000)
    assert price(usage) == pytest.approx(2 * table.default.input + table.default.output)


def test_custom_table() -> None:
    table = PriceTable.model_validate(
        {"default": {"input": 1, "output": 2}, "models": {"x": {"input": 0, "output": 0}}}
    )
    assert price(Usage(model="x", input_tokens=10**6, output_tokens=10**6), table) == 0.0
    assert price(Usage(model="y", input_tokens=10**6, output_tokens=10**6), table) == pytest.approx(3.0)
