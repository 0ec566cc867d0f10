"""Scoring of the entity/feature label files (data/*.jsonl) against infer_plan, shared by tests and bench.

An entity matches a label when the names are equal or one is the other's head with a modifier
("memory_card" vs "card", "personal_record" vs "record"): the generator gets a usable name either way.
Rows whose labels are null (vague requests) are planned but not scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from grokorc_assets.planning.inference import infer_plan

DATA = Path(__file__).resolve().parent / "data"
FILES = ("entity_requests.jsonl", "stack_dev_entities.jsonl")


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


def _same(a: str, b: str) -> bool:
    return a == b or a.endswith("_" + b) or b.endswith("_" + a)


@dataclass
class Counts:
    tp: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, rid: str, predicted: list[str], expected: list[str]) -> None:
        self.predicted += len(predicted)
        self.expected += len(expected)
        hit = [e for e in expected if any(_same(p, e) for p in predicted)]
        self.tp += len(hit)
        self.misses += [f"{rid}:{e}" for e in expected if e not in hit]
        self.extras += [f"{rid}:{p}" for p in predicted if not any(_same(p, e) for e in expected)]

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return (self.predicted - len(self.extras)) / self.predicted if self.predicted else 1.0


def score(rows: list[dict]) -> tuple[Counts, Counts]:
    entities, features = Counts(), Counts()
    for row in rows:
        plan = infer_plan(row["prompt"])
        if row["entities"] is not None:
            entities.add(row["id"], plan.entities, row["entities"])
        if row["features"] is not None:
            features.add(row["id"], plan.features, row["features"])
    return entities, features
