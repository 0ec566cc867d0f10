"""JUnit XML (pytest ``--junitxml``) into test counts and a failure list."""

from __future__ import annotations

# ElementTree resolves no external entities, and the bundled expat (>= 2.4) caps entity expansion,
# which is what matters for a file written by untrusted code.
import xml.etree.ElementTree as ET

from grokorc_assets.testrun.common import first_lines
from grokorc_assets.testrun.models import TestCounts, TestFailure


def _message(element: ET.Element) -> str:
    """The message attribute, then pytest's ``E   ...`` lines (where the actual error is)."""
    head = (element.get("message") or "").strip()
    body = element.text or ""
    error_lines = [line[1:].strip() for line in body.splitlines() if line.startswith("E ")]
    lines = [head] if head else []
    if error_lines:
        lines += [line for line in error_lines if line and line not in head]
    else:
        lines += body.strip().splitlines()
    return first_lines("\n".join(lines) or element.tag)


def _test_id(case: ET.Element) -> str:
    classname, name = case.get("classname", ""), case.get("name", "?")
    return f"{classname}::{name}" if classname else name


def parse_junit(text: str) -> TestCounts:
    """Count testcases by outcome. A case with an <error> (e.g. a teardown error) counts as errored."""
    root = ET.fromstring(text)
    counts = TestCounts()
    for case in root.iter("testcase"):
        error, failure = case.find("error"), case.find("failure")
        if error is not None:
            counts.errored += 1
            counts.failures.append(TestFailure(test_id=_test_id(case), kind="error",
                                               message=_message(error)))
        elif failure is not None:
            counts.failed += 1
            counts.failures.append(TestFailure(test_id=_test_id(case), message=_message(failure)))
        elif case.find("skipped") is not None:
            counts.skipped += 1
        else:
            counts.passed += 1
            counts.passed_tests.append(_test_id(case))
    return counts
