"""Fixtures of the metrics tests: the real Pushgateway + Prometheus of the observability tests."""

from grokorc_tests.observability_tests.stack import observability_stack  # noqa: F401
