"""Fixtures shared with the observability tests (real Prometheus and Pushgateway on loopback)."""

from grokorc_tests.observability_tests.stack import observability_stack  # noqa: F401
