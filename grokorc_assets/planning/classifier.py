"""The archetype model: a linear classifier over a request's words, word pairs and keyword evidence.

Trained by ``scripts/train_archetype_model.py`` on the labelled reference corpus (corpus/) and
shipped as ``data/archetype_model.json``: per feature one weight per archetype, a bias per archetype
and a softmax temperature fitted on held-out folds so that the probability of the chosen archetype
is a calibrated confidence. Scoring is a sparse dot product in plain Python: no model library at
run time, and the same input always gives the same probabilities.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from grokorc_assets.datafiles import read_text
from grokorc_assets.planning.text import words

# Words that say nothing about the kind of project; colour and layout words are left to the model,
# which learns they carry no weight.
STOP_WORDS = frozenset(
    "a an the and or of for to in on with by at from that this it its is are be as we our i my me you "
    "your their they them can will should would want need like so some any all also each which who "
    "has have been being into than then there these those such".split()
)


def request_features(text: str, keyword_evidence: Mapping[str, float]) -> dict[str, float]:
    """Binary unigrams (w:) and bigrams (b:) scaled to unit length, plus the lexicon evidence (kw:)."""
    lemmas = [w for w in words(text) if w not in STOP_WORDS and not w.isdigit()]
    grams = {f"w:{w}" for w in lemmas} | {f"b:{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)}
    scale = 1.0 / math.sqrt(len(grams)) if grams else 0.0
    features = {g: scale for g in sorted(grams)}
    for archetype, score in sorted(keyword_evidence.items()):
        if score > 0:
            # Saturating: the third domain word adds less than the first.
            features[f"kw:{archetype}"] = round(1.0 - math.exp(-score / 3.0), 6)
    return features


@dataclass(frozen=True)
class ArchetypeModel:
    classes: tuple[str, ...]
    weights: Mapping[str, tuple[float, ...]]
    bias: tuple[float, ...]
    temperature: float
    meta: Mapping[str, object]
    # P(pick is right) = sigmoid(c0 + c1*logit(p) + c2*[lexicon agrees] + c3*lexicon margin of the pick)
    calibration: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 0.0)

    def logits(self, features: Mapping[str, float]) -> list[float]:
        out = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    out[i] += w * value
        return out

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Calibrated probability per archetype (softmax of logits / temperature)."""
        scaled = [z / self.temperature for z in self.logits(features)]
        top = max(scaled)
        exps = [math.exp(z - top) for z in scaled]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def confidence(self, features: Mapping[str, float], probabilities: Mapping[str, float], pick: str) -> float:
        """How likely the pick is right, fitted on out-of-fold predictions: the model's probability,
        corrected by whether the hand-written lexicons point the same way and how strongly."""
        return calibrated_confidence(self.calibration, features, probabilities[pick], pick)

    def evidence(self, features: Mapping[str, float], archetype: str, n: int = 5) -> list[tuple[str, float]]:
        """The features that pushed hardest towards ``archetype`` (for the plan's explanation)."""
        i = self.classes.index(archetype)
        pushes = [(name, self.weights[name][i] * v) for name, v in features.items() if name in self.weights]
        return sorted((p for p in pushes if p[1] > 0), key=lambda p: (-p[1], p[0]))[:n]

    def to_json(self) -> str:
        body = {
            "version": 1,
            "classes": list(self.classes),
            "temperature": self.temperature,
            "bias": list(self.bias),
            "calibration": list(self.calibration),
            "meta": dict(self.meta),
            "weights": {k: list(v) for k, v in sorted(self.weights.items())},
        }
        return json.dumps(body, indent=None, separators=(",", ":"), sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ArchetypeModel:
        body = json.loads(text)
        if body.get("version") != 1:
            raise ValueError(f"unsupported archetype model version {body.get('version')!r}")
        classes = tuple(body["classes"])
        weights = {k: tuple(v) for k, v in body["weights"].items()}
        if any(len(v) != len(classes) for v in weights.values()) or len(body["bias"]) != len(classes):
            raise ValueError("archetype model: every weight row needs one value per class")
        calibration = tuple(body.get("calibration", (0.0, 1.0, 0.0, 0.0)))
        return cls(classes, weights, tuple(body["bias"]), float(body["temperature"]), body.get("meta", {}),
                   calibration)


def calibration_inputs(features: Mapping[str, float], probability: float, pick: str) -> tuple[float, float, float]:
    """(logit of the model's probability, lexicon agrees with the pick, the pick's lexicon margin).

    The margin is the pick's saturated lexicon evidence minus the strongest other archetype's: a short
    request naming one domain ("Bug tracker with issues and labels") has a wide one, a long request
    touching every domain a narrow one, however many words each matched.
    """
    p = min(max(probability, 1e-6), 1 - 1e-6)
    lexicon = {k[3:]: v for k, v in features.items() if k.startswith("kw:")}
    agrees = bool(lexicon) and max(sorted(lexicon), key=lambda a: lexicon[a]) == pick
    others = max((v for a, v in lexicon.items() if a != pick), default=0.0)
    return math.log(p / (1 - p)), float(agrees), lexicon.get(pick, 0.0) - others


def calibrated_confidence(
    coefficients: tuple[float, ...], features: Mapping[str, float], probability: float, pick: str
) -> float:
    c0, c1, c2, c3 = coefficients
    logit, agrees, strength = calibration_inputs(features, probability, pick)
    return 1.0 / (1.0 + math.exp(-(c0 + c1 * logit + c2 * agrees + c3 * strength)))


@lru_cache(maxsize=1)
def load_model() -> ArchetypeModel:
    return ArchetypeModel.from_json(read_text("grokorc_assets.planning", "data/archetype_model.json"))


def top(probabilities: Mapping[str, float], order: Iterable[str]) -> list[tuple[str, float]]:
    """Archetypes by probability, ties broken by the contract's order so the result never depends on dicts."""
    rank = {a: i for i, a in enumerate(order)}
    return sorted(probabilities.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank))))
