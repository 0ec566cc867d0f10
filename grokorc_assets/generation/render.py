"""Jinja2 environments and the agent staging trees.

Two environments, because escaping depends on the target language: HTML templates autoescape, code
templates do not and instead insert request text only through ``tojson`` (JS) or ``pyrepr`` (Python)
and identifiers only through ``ident``, which refuses anything that is not already safe.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import cache
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from grokorc_assets.generation.models import GeneratedFile

TEMPLATES = Path(__file__).parent / "templates"
_SAFE_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _ident(value: str) -> str:
    if not _SAFE_IDENT.match(str(value)):
        raise ValueError(f"unsafe identifier reached a code template: {value!r}")
    return str(value)


def _pyrepr(value: object) -> str:
    # ascii(): a valid Python literal with every non-ASCII char escaped, so no odd line separators.
    return ascii(value)


def _jsstr(value: object, indent: int | None = None) -> str:
    # JSON is valid JS; escaping < > & keeps "</script>" inert even inside an inline script.
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, indent=indent)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _make(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(ident=_ident, pyrepr=_pyrepr, jsstr=_jsstr)
    return env


@cache
def environment(autoescape: bool) -> Environment:
    """Cached per process: template compilation dominates a cold generation."""
    return _make(autoescape)


def render(template: str, autoescape: bool = False, **context: object) -> str:
    return environment(autoescape).get_template(template).render(**context)


def render_html(template: str, **context: object) -> str:
    return render(template, autoescape=True, **context)


def agent_root(workspace: Path, agent: str) -> Path:
    return Path(workspace) / "agents" / agent


def reset_agent(workspace: Path, agent: str) -> Path:
    """Start the agent's tree empty so a regenerated project carries no stale files."""
    root = agent_root(workspace, agent)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    return root


def write_files(root: Path, files: dict[str, str]) -> list[GeneratedFile]:
    """Write ``relative path -> text`` under root; returns the manifest sorted by path."""
    manifest: list[GeneratedFile] = []
    for rel in sorted(files):
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts:
            raise ValueError(f"generated path escapes the project: {rel!r}")
        data = files[rel].encode("utf-8")
        target = root / pure
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest.append(GeneratedFile(path=rel, bytes=len(data), sha256=hashlib.sha256(data).hexdigest()))
    return manifest
