"""Scoring of labelled request sets (stack_dev.jsonl format) against infer_plan."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.technologies import layer_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Score:
    archetype_hits: int = 0
    archetype_total: int = 0
    ui_hits: int = 0
    ui_total: int = 0
    tech_missing: list[str] = field(default_factory=list)  # "id:tech" not in explicit or wrong layer
    vague_over: list[str] = field(default_factory=list)  # vague ids with confidence >= 0.8
    vague_total: int = 0
    specific_ok: int = 0
    specific_total: int = 0

    @property
    def archetype_accuracy(self) -> float:
        return self.archetype_hits / self.archetype_total

    @property
    def ui_agreement(self) -> float:
        return self.ui_hits / self.ui_total

    @property
    def specific_rate(self) -> float:
        return self.specific_ok / self.specific_total


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text("utf-8").splitlines() if line.strip()]


def score(rows: list[dict]) -> Score:
    s = Score()
    for row in rows:
        plan = infer_plan(row["prompt"])
        if row["archetypes"]:
            s.archetype_total += 1
            s.archetype_hits += plan.archetype in row["archetypes"]
        if row["ui"] is not None:
            s.ui_total += 1
            s.ui_hits += plan.has_ui == row["ui"]
        for tech in row["explicit"]:
            if tech not in plan.explicit or tech not in getattr(plan.stack, layer_of(tech)):
                s.tech_missing.append(f"{row['id']}:{tech}")
        if row["vague"]:
            s.vague_total += 1
            if plan.confidence >= 0.8:
                s.vague_over.append(row["id"])
        else:
            s.specific_total += 1
            s.specific_ok += plan.confidence >= 0.8
    return s
