"""Tiny generated-project fixtures, written into a tmp dir by the tests (and the benchmark)."""

from __future__ import annotations

import textwrap
from pathlib import Path

CALC = """\
def add(a, b):
    return a + b


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0
"""

CALC_TESTS = """\
from app.calc import add, sign


def test_add():
    assert add(2, 3) == 5


def test_sign():
    assert [sign(5), sign(-2), sign(0)] == [1, -1, 0]
"""

UNCOVERED = """\
def report(rows):
    total = 0
    for row in rows:
        if row.get("skip"):
            continue
        total += row["value"]
    lines = [f"total={total}"]
    for row in rows:
        lines.append(str(row))
    return "\\n".join(lines)
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def python_project(root: Path, extra_tests: dict[str, str] | None = None,
                   extra_app: dict[str, str] | None = None) -> Path:
    """app/ (fully covered by tests/test_calc.py) plus whatever the caller adds."""
    files = {"app/__init__.py": "", "app/calc.py": CALC, "tests/test_calc.py": CALC_TESTS}
    files.update(extra_app or {})
    files.update(extra_tests or {})
    return write(root, files)
