"""Checks on files an LLM proposes to write, and a writer that cannot leave its root.

The model's output is untrusted input: a path like ``../../etc/x`` or ``C:\\x`` or a file named
``nul`` must never reach the filesystem, and a huge or binary "file" is a sign of a broken answer.
Validation reports every violation at once so a repair prompt can fix them all in one go.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.llm.errors import UnsafeOutputError

# Windows device names are reserved with any extension ("nul.txt" too) and in any case.
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"}
    | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
    | {"com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"}
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WINDOWS_BAD = re.compile(r'[<>:"|?*]')


class GeneratedFile(BaseModel):
    """One file of a generated project: a relative POSIX path and its text."""

    path: str
    content: str | bytes


def _policy() -> dict:
    return load_yaml("grokorc_assets.llm", "data/generated_files.yaml")


class FileLimits(BaseModel):
    max_files: int = Field(default=300, ge=1)
    max_file_bytes: int = Field(default=512 * 1024, ge=1)
    max_total_bytes: int = Field(default=8 * 1024 * 1024, ge=1)
    max_path_chars: int = Field(default=240, ge=1)
    extensions: frozenset[str] = Field(default_factory=lambda: frozenset(_policy()["extensions"]))
    filenames: frozenset[str] = Field(default_factory=lambda: frozenset(_policy()["filenames"]))
    dot_entries: frozenset[str] = Field(default_factory=lambda: frozenset(_policy()["dot_entries"]))


def path_problems(path: str, limits: FileLimits) -> list[str]:
    """Every reason ``path`` is not a safe, portable, relative POSIX path of an allowed file."""
    shown = repr(path)
    if not path:
        return ["empty path"]
    problems: list[str] = []
    if len(path) > limits.max_path_chars:
        problems.append(f"{shown[:60]}...: path longer than {limits.max_path_chars} characters")
    if _CONTROL.search(path):
        problems.append(f"{shown}: control character in path")
    if "\\" in path:
        problems.append(f"{shown}: backslash in path (POSIX separators only)")
    if path.startswith("/"):
        problems.append(f"{shown}: absolute path")
    if _DRIVE.match(path):
        problems.append(f"{shown}: drive letter")
    segments = path.split("/")
    for seg in segments:
        problems.extend(_segment_problems(shown, seg, limits))
    name = segments[-1]
    if name and name not in (".", "..") and not _allowed_name(name, limits):
        problems.append(f"{shown}: file type not allowed")
    return problems


def _segment_problems(shown: str, seg: str, limits: FileLimits) -> list[str]:
    if seg == "":
        return [f"{shown}: empty path segment (leading, trailing or doubled '/')"]
    if seg in (".", ".."):
        return [f"{shown}: '{seg}' segment"]
    problems = []
    if seg.split(".")[0].strip().lower() in RESERVED_NAMES:
        problems.append(f"{shown}: reserved device name {seg!r}")
    if seg.startswith(".") and seg not in limits.dot_entries:
        problems.append(f"{shown}: hidden entry {seg!r} not in the allow-list")
    if seg.endswith((".", " ")) or _WINDOWS_BAD.search(seg):
        problems.append(f"{shown}: segment {seg!r} is not portable (trailing dot/space or <>:\"|?*)")
    return problems


def _allowed_name(name: str, limits: FileLimits) -> bool:
    if name in limits.filenames or name in limits.dot_entries:
        return True
    stem, dot, suffix = name.rpartition(".")
    return bool(dot and stem) and suffix.lower() in limits.extensions


def _as_text(file: GeneratedFile) -> tuple[str | None, int, str | None]:
    """(text, size in UTF-8 bytes, problem) — binary or undecodable content is a problem."""
    data = file.content
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None, len(data), "content is not valid UTF-8"
        raw = data
    else:
        try:
            raw = data.encode("utf-8")  # lone surrogates (from JSON "\ud800") do not encode
        except UnicodeEncodeError:
            return None, len(data), "content is not valid UTF-8"
        text = data
    if "\x00" in text:
        return None, len(raw), "content contains NUL bytes (binary)"
    return text, len(raw), None


def validate_generated_files(
    files: Iterable[GeneratedFile], limits: FileLimits | None = None
) -> list[GeneratedFile]:
    """The files with text content, or UnsafeOutputError listing every violation."""
    limits = limits or FileLimits()
    files = list(files)
    problems: list[str] = []
    if len(files) > limits.max_files:
        problems.append(f"{len(files)} files, more than the limit of {limits.max_files}")
    seen: dict[str, str] = {}
    total = 0
    clean: list[GeneratedFile] = []
    for f in files:
        problems.extend(path_problems(f.path, limits))
        # Case-insensitive: two such files would overwrite each other on macOS and Windows checkouts.
        folded = f.path.casefold()
        if folded in seen:
            problems.append(f"{f.path!r}: duplicate of {seen[folded]!r}")
        seen.setdefault(folded, f.path)
        text, size, problem = _as_text(f)
        total += size
        if problem:
            problems.append(f"{f.path!r}: {problem}")
        if size > limits.max_file_bytes:
            problems.append(f"{f.path!r}: {size} bytes, over the per-file limit of {limits.max_file_bytes}")
        clean.append(GeneratedFile(path=f.path, content=text if text is not None else ""))
    if total > limits.max_total_bytes:
        problems.append(f"{total} bytes in total, more than the limit of {limits.max_total_bytes}")
    if problems:
        raise UnsafeOutputError(problems)
    return clean


def _target(root: Path, rel: str) -> Path:
    """The absolute target of ``rel`` under ``root``, refusing any existing symlink on the way."""
    current = root
    for part in rel.split("/"):
        current = current / part
        if current.is_symlink():
            link = current.relative_to(root)
            raise UnsafeOutputError([f"{rel!r}: {link} is a symlink; refusing to follow it"])
    # Belt and braces: the resolved parent must still be inside root.
    if not current.parent.resolve().is_relative_to(root):
        raise UnsafeOutputError([f"{rel!r}: resolves outside the output root"])
    return current


def safe_write(files: Iterable[GeneratedFile], root: str | os.PathLike[str],
               limits: FileLimits | None = None) -> list[Path]:
    """Validate, then write every file under ``root``; nothing is written if any target is unsafe."""
    checked = validate_generated_files(files, limits)
    base = Path(root).resolve()
    base.mkdir(parents=True, exist_ok=True)
    targets = [(_target(base, f.path), f) for f in checked]  # check all before writing any
    written = []
    for target, f in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(base):  # a directory swapped for a link meanwhile
            raise UnsafeOutputError([f"{f.path!r}: resolves outside the output root"])
        # O_NOFOLLOW: a symlink planted at the file itself after the check is still not followed.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(str(f.content))
        written.append(target)
    return written
