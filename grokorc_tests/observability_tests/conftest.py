"""Fixtures of the observability tests (defined in stack.py so other test packages can import them)."""

from .stack import observability_stack, webhook_sink  # noqa: F401
