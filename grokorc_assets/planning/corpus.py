"""The labelled reference corpus: our labels (corpus/labels/*.jsonl, in the repository) joined to the
public request texts (rebuilt outside the repository by scripts/build_corpus.py, see corpus/SOURCES.md).

Used by the training script and the benchmark, never at plan time. The held-out split is a pure
function of an item's id, so training and evaluation agree on it without sharing state.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from grokorc_assets.models import ARCHETYPES

REPO = Path(__file__).resolve().parents[2]
LABELS_DIR = REPO / "corpus" / "labels"
HELD_OUT_FRACTION = 5  # one item in five is held out


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    archetypes: tuple[str, ...]  # first = best; a second is an accepted alternative
    source: str
    method: str = "read"  # "read": a person labelled it; "category": from the source's section heading

    @property
    def held_out(self) -> bool:
        return is_held_out(self.id)


def is_held_out(item_id: str) -> bool:
    digest = hashlib.sha1(item_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % HELD_OUT_FRACTION == 0


def default_corpus_dir() -> Path:
    """Where the corpus texts are: an optional data directory outside the repository (only training and
    bench/bench_archetype.py read it), GROKORC_CORPUS_DIR, else shared/eval/corpus beside the checkout."""
    return Path(os.environ.get("GROKORC_CORPUS_DIR") or REPO.parent / "shared" / "eval" / "corpus")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_labels(labels_dir: Path = LABELS_DIR) -> dict[str, tuple[tuple[str, ...], str]]:
    """id -> (archetypes, labelling method)."""
    labels: dict[str, tuple[tuple[str, ...], str]] = {}
    for path in sorted(labels_dir.glob("*.jsonl")):
        for row in _jsonl(path):
            archetypes = tuple(row["archetypes"])
            unknown = [a for a in archetypes if a not in ARCHETYPES]
            if unknown or not archetypes:
                raise ValueError(f"{path.name}: {row['id']} has archetypes {list(archetypes)}")
            if row["id"] in labels:
                raise ValueError(f"{path.name}: {row['id']} is labelled twice")
            labels[row["id"]] = (archetypes, row.get("method", "read"))
    return labels


def load_corpus(corpus_dir: Path | None = None, labels_dir: Path = LABELS_DIR) -> list[Item]:
    """Every labelled item whose text is present, in id order. A label without text is an error:
    it means the corpus was built from other source versions than the labels were made on."""
    corpus_dir = corpus_dir or default_corpus_dir()
    if not corpus_dir.is_dir():
        raise FileNotFoundError(
            f"no corpus texts at {corpus_dir}: run scripts/build_corpus.py (or set GROKORC_CORPUS_DIR)")
    texts = {row["id"]: row for path in sorted(corpus_dir.glob("*.jsonl")) for row in _jsonl(path)}
    labels = load_labels(labels_dir)
    missing = sorted(set(labels) - set(texts))
    if missing:
        raise ValueError(f"{len(missing)} labelled ids have no text in {corpus_dir}, e.g. {missing[:3]}")
    return [Item(i, texts[i]["text"], labels[i][0], texts[i].get("source", ""), labels[i][1]) for i in sorted(labels)]
