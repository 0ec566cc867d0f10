"""Test + coverage runs of generated projects, on top of grokorc_assets.sandbox."""

from grokorc_assets.testrun.models import CoverageReport, FileCoverage, TestFailure
from grokorc_assets.testrun.node_runner import run_node_tests
from grokorc_assets.testrun.python_runner import run_python_tests

__all__ = ["CoverageReport", "FileCoverage", "TestFailure", "run_node_tests", "run_python_tests"]
