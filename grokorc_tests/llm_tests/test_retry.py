from __future__ import annotations

import random
from email.utils import formatdate

import pytest

from grokorc_assets.llm.retry import backoff_delay, retry_after_seconds


def test_full_jitter_stays_within_the_exponential_cap() -> None:
    rng = random.Random(11)
    for attempt in range(1, 12):
        ceiling = min(2.0, 0.1 * 2 ** (attempt - 1))
        delays = [backoff_delay(attempt, 0.1, 2.0, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # jitter spreads over the range, not a constant


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"Retry-After": "-4"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds({"Retry-After": formatdate(now + 30, usegmt=True)}, now=now) == 30.0
