"""Targets on the labelled development set and on our own hold-out set (written before tuning)."""

from __future__ import annotations

import pytest

from grokorc_tests.planning_tests.eval_helpers import Score, load, score


@pytest.fixture(scope="module")
def dev() -> Score:
    rows = load("stack_dev.jsonl")
    assert len(rows) == 44
    return score(rows)


@pytest.fixture(scope="module")
def holdout() -> Score:
    rows = load("stack_holdout.jsonl")
    archetypes = {a for r in rows for a in r["archetypes"]}
    assert len(rows) >= 30 and len(archetypes) == 12
    return score(rows)


def test_dev_archetype_accuracy(dev: Score) -> None:
    assert dev.archetype_accuracy >= 0.9


def test_dev_every_named_technology_found_in_its_layer(dev: Score) -> None:
    assert dev.tech_missing == []


def test_dev_vague_requests_below_threshold(dev: Score) -> None:
    assert dev.vague_total == 5 and dev.vague_over == []


def test_dev_specific_requests_confident(dev: Score) -> None:
    assert dev.specific_rate >= 0.9


def test_dev_has_ui_agreement(dev: Score) -> None:
    assert dev.ui_agreement >= 0.9


def test_holdout_archetype_accuracy(holdout: Score) -> None:
    assert holdout.archetype_accuracy >= 0.85


def test_holdout_every_named_technology_found(holdout: Score) -> None:
    assert holdout.tech_missing == []


def test_holdout_confidence_calibrated(holdout: Score) -> None:
    assert holdout.vague_over == []
    assert holdout.specific_rate >= 0.85


def test_holdout_has_ui_agreement(holdout: Score) -> None:
    assert holdout.ui_agreement >= 0.9


@pytest.fixture(scope="module")
def multilingual() -> Score:
    rows = load("stack_multilingual.jsonl")
    assert len(rows) == 48 and {r["lang"] for r in rows} == {"es", "de", "fr", "pt"}
    return score(rows)


def test_multilingual_archetype_accuracy(multilingual: Score) -> None:
    # Measured 0.708 (bench/bench_archetype.py); the goal is English parity (>= 0.9): see docs/planner.md.
    assert multilingual.archetype_accuracy >= 0.7


def test_multilingual_named_technologies_mostly_found(multilingual: Score) -> None:
    # Two German misses remain: capitalised nouns make "Spring im Backend" / "gerne Rails" no evidence.
    assert len(multilingual.tech_missing) <= 2


def test_second_multilingual_set_archetype_accuracy() -> None:
    # 36 requests (3 per archetype, in es/de/fr/pt) written on 2026-12-01 before any planner change of that
    # day, to measure non-English planning on words the first set did not shape. Measured 0.833.
    rows = load("stack_multilingual_2.jsonl")
    assert len(rows) == 36 and {r["lang"] for r in rows} == {"es", "de", "fr", "pt"}
    assert score(rows).archetype_accuracy >= 0.8


def test_sets_written_by_another_hand() -> None:
    """132 English and 96 non-English requests written on 2026-12-01 from the labelling guide alone, by a
    writer who saw neither the planner nor the other sets. The first half showed which guide words the
    lexicons lacked ("chatbot", "Q&A site", "resume builder"); the second half was measured before and
    after (English 0.883 -> 0.917, non-English 0.771 -> 0.812). Floors just below what is measured."""
    english = load("stack_written_en.jsonl")
    other = load("stack_written_multilingual.jsonl")
    assert len(english) == 132 and len(other) == 96 and {r["lang"] for r in other} == {"es", "de", "fr", "pt"}
    english_score, other_score = score(english), score(other)
    assert english_score.archetype_accuracy >= 0.9
    assert other_score.archetype_accuracy >= 0.8
    assert english_score.tech_missing == [] and other_score.tech_missing == []


def test_third_set_written_by_another_hand() -> None:
    """120 requests (40 English, 20 each in es/de/fr/pt, 10 per archetype) written on 2026-12-02 from the
    labelling guide alone, asked to open in varied ways and to mislead with domain words (a chat for a
    hotel, records of a football club). Measured before that day's planner changes had seen it: 0.850 with
    the planner of the day before, 0.908 with the kind rule; since looked at, 0.917. Floor just below."""
    rows = load("stack_written_mixed.jsonl")
    assert len(rows) == 120 and {r["lang"] for r in rows} == {"en", "es", "de", "fr", "pt"}
    assert score(rows).archetype_accuracy >= 0.9


def test_fourth_set_written_by_another_hand() -> None:
    """120 more requests (40 English, 20 each in es/de/fr/pt) written on 2026-12-02 from the labelling guide
    alone, asked for varied shapes (one noun phrase, a paragraph of background, bullet lists, typos) and
    named or refused technologies. First measured after the day's planner changes: 0.908 (0.842 with the
    planner of the start of the day), technologies missed 4 (0 since). Floor just below."""
    rows = load("stack_written_mixed_2.jsonl")
    assert len(rows) == 120 and {r["lang"] for r in rows} == {"en", "es", "de", "fr", "pt"}
    result = score(rows)
    assert result.archetype_accuracy >= 0.88
    assert result.tech_missing == []
