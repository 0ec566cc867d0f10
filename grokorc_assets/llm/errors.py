"""Errors raised by the LLM layer.

Every message is built from redacted text (see ``redact``): callers log and print these freely, so
an API key must never reach them. SDK exceptions are not chained (``from None``) because their
text can carry a server's echo of the request, credentials included.
"""

from __future__ import annotations

from grokorc_assets.models import Usage


class LLMError(Exception):
    """Base of every error this package raises.

    ``usage`` carries what the failed call had already spent, so the cost SLO still sees every exchange.
    """

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage


class ConfigError(LLMError, ValueError):
    """The environment describes an unusable LLM configuration; the message names the variable."""


class LLMUnavailableError(LLMError):
    """The endpoint stayed unreachable (timeouts, connection errors, 429, 5xx) after bounded retries."""


class LLMRequestError(LLMError):
    """The endpoint rejected the request (4xx other than 429): retrying cannot help."""


class LLMOutputError(LLMError):
    """The model kept answering with invalid JSON or JSON of the wrong schema."""


class ReplayMissError(LLMError):
    """Replay mode found no recorded exchange for a prompt; the message names the asset."""

    def __init__(self, asset: str, prompt_hash: str) -> None:
        super().__init__(
            f"no recorded LLM exchange for asset {asset!r} (prompt hash {prompt_hash[:16]}); "
            "record it first (mode 'record') or run live"
        )
        self.asset = asset
        self.prompt_hash = prompt_hash


class UnsafeOutputError(LLMError):
    """Generated files failed validation; ``violations`` lists every problem, not just the first."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = list(violations)
        listing = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} unsafe generated-file violation(s):\n{listing}")
