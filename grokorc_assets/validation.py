"""Input validation for project ids and request messages (docs/design.md "Command line").

Every rejection raises ``BadInputError`` whose message says what is wrong and why; the CLI maps it
to exit code 2. Nothing is stored before validation passes.
"""

from __future__ import annotations

import re
import unicodedata

PROJECT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_MESSAGE_CHARS = 20_000
# Tab, newline and carriage return are ordinary text; every other control character is rejected
# because it can hide content from a reviewer or corrupt logs and generated files.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


class BadInputError(ValueError):
    """The user's input is invalid; the message is safe to print."""


def validate_project_id(project_id: str) -> str:
    if not PROJECT_ID_PATTERN.fullmatch(project_id or ""):
        shown = (project_id or "")[:70].encode("unicode_escape").decode("ascii")
        raise BadInputError(
            f"invalid project id {shown!r}: use 1-63 characters of lower-case letters, digits and "
            "'-', starting with a letter or digit (pattern ^[a-z0-9][a-z0-9-]{0,62}$)"
        )
    return project_id


def decode_message(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(
            f"the message is not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})"
        ) from None


def validate_message(message: str) -> str:
    """Return the message unchanged if acceptable (surrogates from undecodable argv bytes included)."""
    try:
        message.encode("utf-8")
    except UnicodeEncodeError as err:
        raise BadInputError(
            f"the message is not valid UTF-8 (undecodable input at character {err.start})"
        ) from None
    # Invisible format characters (zero-width space, BOM, joiners) alone are as empty as spaces.
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in message):
        raise BadInputError("the message is empty: describe the project you want built")
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadInputError(
            f"the message is {len(message):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}"
        )
    for index, char in enumerate(message):
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            raise BadInputError(
                f"the message contains a control character U+{ord(char):04X} at position {index}; "
                "only tab, newline and carriage return are allowed"
            )
    return message
