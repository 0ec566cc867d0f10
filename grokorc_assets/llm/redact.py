"""Removing secrets from any text that may reach an exception, a log line or a repr."""

from __future__ import annotations

import re

from pydantic import SecretStr

MASK = "***"

# Generic shapes of credentials, masked even when the exact secret is unknown to the caller
# (e.g. a server echoing a different key, or a key embedded in a URL).
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]+"),
    re.compile(r"\b(sk-)[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"),
    re.compile(r"(://[^/\s:@]+:)[^/\s@]+(?=@)"),
)


def _secret_text(secret: str | SecretStr | None) -> str:
    if isinstance(secret, SecretStr):
        return secret.get_secret_value()
    return secret or ""


def redact(text: object, *secrets: str | SecretStr | None) -> str:
    """``str(text)`` with every given secret and every credential-looking token replaced by ``***``."""
    out = str(text)
    # Longest first, so a secret containing another is masked whole.
    for secret in sorted((_secret_text(s) for s in secrets), key=len, reverse=True):
        if secret:
            out = out.replace(secret, MASK)
    for pattern in _PATTERNS:
        out = pattern.sub(lambda m: m.group(1) + MASK, out)
    return out
