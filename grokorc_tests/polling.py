"""Bounded polling for tests that wait on real processes (a run's step starting, a server answering)."""

import time
from collections.abc import Callable
from typing import Any


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 600, interval: float = 0.1) -> Any:
    """Return ``predicate()``'s value once it is truthy; fail naming ``what`` after ``timeout`` seconds.

    The interval only spaces the checks: the condition itself is what the test waits on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
