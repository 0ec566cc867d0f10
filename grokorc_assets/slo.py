"""SLO verdicts (docs/design.md "SLO checks"), computed from plain values so they test without Dagster.

Each verdict carries ``value``, ``threshold``, ``breach`` and what it was computed from; the Dagster
checks in ``checks/slo_checks.py`` only gather the inputs and attach the verdict.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from grokorc_assets.models import Usage


class SloVerdict(BaseModel):
    name: str
    value: float
    threshold: float
    breach: bool
    computed_from: dict[str, Any] = Field(default_factory=dict)


def total_usage(usages: dict[str, Usage]) -> Usage:
    models = sorted({u.model for u in usages.values() if u.input_tokens or u.output_tokens or u.cost_usd})
    return Usage(
        model=",".join(models) or "offline",
        input_tokens=sum(u.input_tokens for u in usages.values()),
        output_tokens=sum(u.output_tokens for u in usages.values()),
        cost_usd=sum(u.cost_usd for u in usages.values()),
        estimated=any(u.estimated for u in usages.values()),
    )


def cost_verdict(usages: dict[str, Usage], budget_usd: float) -> SloVerdict:
    """Spend of every LLM exchange of the build; a breach when it reaches the budget."""
    total = total_usage(usages)
    return SloVerdict(
        name="cost", value=round(total.cost_usd, 6), threshold=budget_usd, breach=total.cost_usd >= budget_usd,
        computed_from={
            "tokens": total.input_tokens + total.output_tokens,
            "per_asset": {
                asset: {"model": u.model, "input_tokens": u.input_tokens, "output_tokens": u.output_tokens,
                        "cost_usd": round(u.cost_usd, 6), "estimated": u.estimated}
                for asset, u in sorted(usages.items())
            },
        },
    )


def latency_verdict(seconds: float, threshold_seconds: float, *, run_id: str) -> SloVerdict:
    return SloVerdict(
        name="latency", value=round(seconds, 3), threshold=threshold_seconds, breach=seconds >= threshold_seconds,
        computed_from={"run_id": run_id, "measured": "run start to check evaluation"},
    )


def coverage_verdict(line_percent: float, threshold_percent: float, report: dict[str, Any]) -> SloVerdict:
    """Line coverage against the threshold; a suite that fails, errors or times out is a breach whatever
    it covered, because a delivered project must pass its own tests."""
    broken = bool((report.get("tests_failed") or 0) + (report.get("tests_errored") or 0)) or bool(
        report.get("timed_out")
    )
    return SloVerdict(
        name="coverage", value=round(line_percent, 2), threshold=threshold_percent,
        breach=line_percent < threshold_percent or broken,
        computed_from={**report, "suite_failed": broken},
    )


def confidence_verdict(confidence: float, threshold: float, neighbours: list[dict]) -> SloVerdict:
    return SloVerdict(
        name="confidence", value=round(confidence, 4), threshold=threshold, breach=confidence < threshold,
        computed_from={"neighbours": neighbours},
    )


def projected_spend(spent: dict[str, Usage], mediation_estimate_usd: float) -> float:
    """Spend so far plus what is still to come (conflict mediation), for degraded mode."""
    return total_usage(spent).cost_usd + mediation_estimate_usd
