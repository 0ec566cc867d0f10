from __future__ import annotations

import os
from pathlib import Path

import pytest

from grokorc_assets.llm import (
    FileLimits,
    GeneratedFile,
    UnsafeOutputError,
    safe_write,
    validate_generated_files,
)

GOOD = [
    GeneratedFile(path="backend/app/main.py", content="print('hi')\n"),
    GeneratedFile(path="frontend/src/App.tsx", content="export const App = () => null;\n"),
    GeneratedFile(path=".github/workflows/ci.yml", content="on: push\n"),
    GeneratedFile(path=".env.example", content="DATABASE_URL=\n"),
    GeneratedFile(path="Dockerfile", content="FROM python:3.11\n"),
    GeneratedFile(path="docs/README.md", content="# Tést ✓\n".encode()),  # UTF-8 bytes are fine
]


def violations(files: list[GeneratedFile], limits: FileLimits | None = None) -> list[str]:
    with pytest.raises(UnsafeOutputError) as info:
        validate_generated_files(files, limits)
    assert str(len(info.value.violations)) in str(info.value)
    return info.value.violations


def test_good_files_pass_as_text() -> None:
    out = validate_generated_files(GOOD)
    assert [f.path for f in out] == [f.path for f in GOOD]
    assert out[-1].content == "# Tést ✓\n"
    assert all(isinstance(f.content, str) for f in out)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/etc/passwd.txt", "absolute"),
        ("../evil.py", "'..'"),
        ("a/../../b.py", "'..'"),
        ("a/./b.py", "'.'"),
        ("C:\\x.py", "backslash"),
        ("C:/x.py", "drive letter"),
        ("src\\main.py", "backslash"),
        ("nul", "reserved"),
        ("NUL.txt", "reserved"),
        ("src/con.py", "reserved"),
        ("lpt1/readme.md", "reserved"),
        (".ssh/id_rsa.txt", "hidden"),
        (".env", "hidden"),
        ("a//b.py", "empty path segment"),
        ("dir/", "empty path segment"),
        ("", "empty path"),
        ("payload.exe", "file type"),
        ("noextension", "file type"),
        ("a/b.py ", "not portable"),
        ("a:b.py", "not portable"),
        ("bad\nname.py", "control character"),
        ("x" * 300 + ".py", "longer than"),
    ],
)
def test_unsafe_paths(path: str, reason: str) -> None:
    found = violations([*GOOD, GeneratedFile(path=path, content="x")])
    assert any(reason in v for v in found), found


def test_every_violation_is_listed() -> None:
    bad = ["/abs.py", "../up.py", "nul", "run.exe"]
    found = violations([GeneratedFile(path=p, content="x") for p in bad] + GOOD)
    assert len(found) >= len(bad)
    for p in bad:
        assert any(repr(p) in v for v in found), (p, found)


def test_file_size_limit_is_inclusive() -> None:
    limits = FileLimits(max_file_bytes=100)
    validate_generated_files([GeneratedFile(path="a.txt", content="é" * 50)], limits)  # 100 bytes
    found = violations([GeneratedFile(path="a.txt", content="é" * 50 + "x")], limits)
    assert found == ["'a.txt': 101 bytes, over the per-file limit of 100"]


def test_huge_file_and_total_size() -> None:
    limits = FileLimits(max_file_bytes=1_000, max_total_bytes=1_500)
    found = violations([GeneratedFile(path="a.txt", content="x" * 900),
                        GeneratedFile(path="b.txt", content="x" * 5_000)], limits)
    assert any("'b.txt': 5000 bytes" in v for v in found)
    assert any("5900 bytes in total" in v for v in found)


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"caf\xe9", "nul\x00inside", "lone \ud800 surrogate"],
)
def test_binary_or_invalid_utf8_content(content: str | bytes) -> None:
    found = violations([GeneratedFile(path="data.txt", content=content)])
    assert any("UTF-8" in v or "NUL" in v for v in found), found


def test_too_many_files() -> None:
    files = [GeneratedFile(path=f"f{i}.py", content="") for i in range(4)]
    validate_generated_files(files[:3], FileLimits(max_files=3))
    assert violations(files, FileLimits(max_files=3)) == ["4 files, more than the limit of 3"]


def test_case_insensitive_duplicates() -> None:
    files = [GeneratedFile(path="src/App.js", content=""), GeneratedFile(path="src/app.js", content="")]
    found = violations(files)
    assert any("duplicate" in v for v in found)


def test_safe_write_writes_under_root(tmp_path: Path) -> None:
    written = safe_write(GOOD, tmp_path / "out")
    root = (tmp_path / "out").resolve()
    assert len(written) == len(GOOD)
    assert all(p.is_relative_to(root) for p in written)
    assert (root / "backend/app/main.py").read_text() == "print('hi')\n"
    assert (root / "docs/README.md").read_text(encoding="utf-8") == "# Tést ✓\n"


def test_safe_write_validates_first(tmp_path: Path) -> None:
    with pytest.raises(UnsafeOutputError, match="'..'"):
        safe_write([GeneratedFile(path="ok.py", content=""), GeneratedFile(path="a/../../x.py", content="")],
                   tmp_path / "out")
    assert not (tmp_path / "x.py").exists()
    assert not (tmp_path / "out" / "ok.py").exists()


def test_safe_write_refuses_symlinked_directory_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "src")  # e.g. left behind by an earlier, compromised build
    files = [GeneratedFile(path="first.py", content="x"), GeneratedFile(path="src/evil.py", content="boom")]
    with pytest.raises(UnsafeOutputError, match="symlink"):
        safe_write(files, root)
    assert list(outside.iterdir()) == []
    assert not (root / "first.py").exists()  # nothing written when any target is unsafe


def test_safe_write_refuses_symlinked_file(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("keep me")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(target, root / "notes.txt")
    with pytest.raises(UnsafeOutputError, match="symlink"):
        safe_write([GeneratedFile(path="notes.txt", content="overwritten")], root)
    assert target.read_text() == "keep me"
