"""Confidence of a plan: the model's calibrated sureness, adjusted by the lexicons' agreement and vagueness."""

from __future__ import annotations

import math

from grokorc_assets.planning.lexicon import Lexicons


def clear_agreement(kw: dict[str, float], archetype: str, lex: Lexicons) -> bool:
    """The lexicon scores ``kw`` point at ``archetype`` and clearly (by ``agreement_margin`` in
    saturated units) at nothing else."""
    saturated = {a: 1.0 - math.exp(-s / 3.0) for a, s in kw.items()}
    others = max((v for a, v in saturated.items() if a != archetype), default=0.0)
    return saturated.get(archetype, 0.0) - others >= lex.confidence.agreement_margin


def confidence(sureness: float, clear_agreement: bool, vague: bool, lex: Lexicons,
               named_by_kind: bool = False) -> float:
    """The archetype model's calibrated confidence in its pick, adjusted by rules of evidence.

    The calibration was fitted on out-of-fold predictions, mostly long web-app requests, so 0.8
    means right about four times in five there. Three things it cannot see from that data:
    - when the hand-written lexicons, read on the whole request, on its head (its first
      ``head_words`` words, where a request says what it is) or on its kind (its opening noun phrase,
      request_views.request_kind), point clearly at the same archetype as
      the model (the pick's evidence beats every other archetype's by ``agreement_margin``), the
      remaining doubt shrinks by
      ``agreement_doubt``: measured on the development sets, a short request naming its domain is
      right far more often than the web-app folds suggest, while on held-out web-app requests the
      rate of confident mistakes stays where it was (bench/bench_archetype.py);
    - when the request's kind (its opening noun phrase) names the pick by a strong word ("Member
      management for a football club"), the plan is at least ``kind_floor`` sure: on every labelled
      set such plans were right every time (bench/bench_archetype.py);
    - a vague request ("An app.", "We need software for our business": no domain word, feature or
      technology; its nouns are no evidence, "business" says nothing of the kind of project) stays
      at or below ``vague_cap`` whatever the model's prior says.
    """
    w = lex.confidence
    value = 1.0 - (1.0 - sureness) * w.agreement_doubt if clear_agreement else sureness
    if named_by_kind:
        value = max(value, w.kind_floor)
    if vague:
        value = min(value, w.vague_cap)
    return round(min(max(value, 0.0), w.cap), 4)
