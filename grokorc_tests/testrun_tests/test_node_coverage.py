"""Real ``node --test --experimental-test-coverage`` runs on a tiny JS project, sandboxed."""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.sandbox import Limits
from grokorc_assets.testrun import run_node_tests
from grokorc_assets.testrun.node_runner import parse_coverage_table
from grokorc_tests.testrun_tests.projects import write

MATH = """\
function add(a, b) { return a + b; }
function sign(x) {
  if (x > 0) { return 1; }
  if (x < 0) { return -1; }
  return 0;
}
function unused() { return 42; }
module.exports = { add, sign, unused };
"""

TESTS = """\
const test = require('node:test');
const assert = require('node:assert');
const { add, sign } = require('../src/math.js');
test('adds', () => { assert.strictEqual(add(1, 2), 3); });
test('sign positive', () => { assert.strictEqual(sign(5), 1); });
test('one plus one', () => { assert.strictEqual(add(1, 1), 3, 'one plus one is three'); });
test.skip('later', () => {});
"""

FULL_TESTS = """\
const test = require('node:test');
const assert = require('node:assert');
const { add, sign, unused } = require('../src/math.js');
test('everything', () => {
  assert.strictEqual(add(1, 2), 3);
  assert.deepStrictEqual([sign(2), sign(-2), sign(0)], [1, -1, 0]);
  assert.strictEqual(unused(), 42);
});
"""

LIMITS = Limits(wall_seconds=60, memory_mb=2048, processes=128)


def test_partial_coverage_and_a_failure(tmp_path: Path) -> None:
    project = write(tmp_path / "js", {"src/math.js": MATH, "test/math.test.js": TESTS})
    report = run_node_tests(project, source_dirs=["src"], test_dir="test", limits=LIMITS)
    assert report.sandbox_mode == "bwrap", report.notes
    assert (report.tests_passed, report.tests_failed, report.tests_skipped) == (2, 1, 1)
    [failure] = report.failures
    assert failure.test_id.startswith("test/math.test.js:6:")
    assert failure.test_id.endswith("::one plus one")
    assert "one plus one is three" in failure.message
    # Only src/ counts: node's own "all files" row would include the test file.
    [row] = report.files
    assert row.path == "src/math.js"
    assert row.statements == 8 and row.missed == 3  # return -1, return 0, unused()
    assert report.value == 62.5
    assert report.functions == row.functions_percent
    assert report.functions < 100 and report.branch < 100
    table = parse_coverage_table(Path(report.tap_report).read_text())
    assert table["all files"][0] > report.value  # the test file's 100% inflates node's figure


def test_full_coverage(tmp_path: Path) -> None:
    project = write(tmp_path / "js", {"src/math.js": MATH, "test/math.test.js": FULL_TESTS})
    report = run_node_tests(project, source_dirs=["src"], test_dir="test", limits=LIMITS)
    assert report.tests_passed == 1 and report.tests_failed == 0
    assert (report.value, report.branch, report.functions) == (100.0, 100.0, 100.0)
    assert report.exit_code == 0


def test_hanging_node_test_times_out(tmp_path: Path) -> None:
    hang = "const test = require('node:test');\ntest('hang', () => { while (true) {} });\n"
    project = write(tmp_path / "js", {"src/math.js": MATH, "test/hang.test.js": hang})
    report = run_node_tests(project, limits=Limits(wall_seconds=4, grace_seconds=1, processes=128))
    assert report.timed_out
    assert report.tests_passed == 0
