"""``dependency_conflict``: version constraints on one package or runtime, declared in different files
(requirements, ``pip install`` lines, pyproject ``requires-python``, image tags, CI runtime versions),
that no realistic version satisfies together; and images left unpinned beside a pinned declaration.

Unsatisfiable constraints are always escalated (which side is right is a judgement); an unpinned image
is aligned to the pinned tag, since "latest" beside "3.11" is a contradiction only by accident.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatch
from itertools import product

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from grokorc_assets.conflicts.common import Context, conflict, parties
from grokorc_assets.conflicts.models import Conflict, Edit

KIND = "dependency_conflict"
_FROM = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?(?P<image>[^\s:@]+)(?::(?P<tag>\S+))?", re.I)
_IMAGE = re.compile(r"^\s*image:\s*[\"']?(?P<image>[^\s:\"'@]+)(?::(?P<tag>[^\s\"']+))?")
_RUNTIME = re.compile(r"^\s*(?P<lang>python|node)-version:\s*[\"']?(?P<version>[0-9][0-9.]*)")
_PIP = re.compile(r"pip3?\s+install\s+(?P<args>[^&;|\n]+)")
_VERSION_PREFIX = re.compile(r"^(?P<v>\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class Declaration:
    agent: str
    file: str
    line: int
    name: str  # canonical package or image name ("python" for the runtime)
    spec: str  # a PEP 440 specifier set ("" = unpinned)
    text: str  # as written
    image: bool = False
    ref: str | None = None  # image reference as written ("python:3.11-slim"), for FROM and image: lines


def _requirements(agent: str, path: str, text: str) -> list[Declaration]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith("-"):
            continue
        try:
            req = Requirement(stripped)
        except InvalidRequirement:
            continue
        out.append(Declaration(agent, path, n, canonicalize_name(req.name), str(req.specifier), stripped))
    return out


def _tag_spec(tag: str | None) -> str:
    """python:3.11-slim -> ==3.11.*; no tag or 'latest' -> unpinned."""
    m = _VERSION_PREFIX.match(tag or "")
    return f"=={m.group('v')}.*" if m else ""


def _dockerfile(agent: str, path: str, text: str) -> list[Declaration]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if m := _FROM.match(line.strip()):
            out.append(_image(agent, path, n, m, line))
        for pip in _PIP.finditer(line):
            args = [a.strip("'\"") for a in pip.group("args").split()]
            reqs = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-r")]
            out += [Declaration(agent, path, n, d.name, d.spec, d.text)
                    for d in _requirements(agent, path, "\n".join(reqs))]
    return out


def _image(agent: str, path: str, n: int, m: re.Match, line: str) -> Declaration:
    ref = m.group("image") + (f":{m.group('tag')}" if m.group("tag") else "")
    return Declaration(agent, path, n, m.group("image").rsplit("/", 1)[-1], _tag_spec(m.group("tag")), line.strip(),
                       image=True, ref=ref)


def _yaml_like(agent: str, path: str, text: str) -> list[Declaration]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if m := _IMAGE.match(line):
            out.append(_image(agent, path, n, m, line))
        if m := _RUNTIME.match(line):
            out.append(Declaration(agent, path, n, m.group("lang"), f"=={m.group('version')}.*", line.strip(),
                                   image=True))
    return out


def _pyproject(agent: str, path: str, text: str) -> list[Declaration]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    spec = (doc.get("project") or {}).get("requires-python")
    if not spec:
        return []
    line = next((n for n, row in enumerate(text.splitlines(), 1) if "requires-python" in row), 1)
    return [Declaration(agent, path, line, "python", spec, f"requires-python = {spec!r}")]


def declarations(ctx: Context) -> list[Declaration]:
    out: list[Declaration] = []
    for agent, tree in ctx.view.trees.items():
        for path, text in sorted(tree.items()):
            name = path.rsplit("/", 1)[-1]
            if any(fnmatch(path, g) for g in ctx.settings.requirement_globs):
                out += _requirements(agent, path, text)
            elif name == "Dockerfile" or name.endswith(".Dockerfile"):
                out += _dockerfile(agent, path, text)
            elif name.endswith((".yml", ".yaml")):
                out += _yaml_like(agent, path, text)
            elif name == "pyproject.toml":
                out += _pyproject(agent, path, text)
    return out


def _candidates(specs: list[SpecifierSet], grid) -> list[Version]:
    """Every version a specifier names, its neighbours, and a grid of major.minor releases."""
    named: set[Version] = set()
    for spec in specs:
        for s in spec:
            try:
                v = Version(s.version.replace(".*", ""))
            except InvalidVersion:
                continue
            major, minor, micro = (list(v.release) + [0, 0])[:3]
            named |= {v, Version(f"{major}.{minor}.{micro + 1}"), Version(f"{major}.{minor + 1}.0"),
                      Version(f"{major + 1}.0.0")}
            if micro:
                named.add(Version(f"{major}.{minor}.{micro - 1}"))
    grid_versions = {Version(f"{a}.{b}.0") for a, b in product(range(grid.max_major + 1), range(grid.max_minor + 1))}
    return sorted(named | grid_versions)


def satisfiable(specs: list[str], grid) -> bool:
    """True when some realistic version satisfies every specifier set at once."""
    try:
        sets = [SpecifierSet(s) for s in specs]
    except InvalidSpecifier:
        return True  # not ours to judge
    return any(all(v in s for s in sets) for v in _candidates(sets, grid))


def _item(d: Declaration) -> str:
    return f"{d.file}:{d.line} {d.text}"


def _unsatisfiable(ctx: Context, name: str, decls: list[Declaration]) -> Conflict | None:
    pinned = [d for d in decls if d.spec]
    if len({(d.agent, d.file) for d in pinned}) < 2 or satisfiable([d.spec for d in pinned], ctx.settings.version_grid):
        return None
    return conflict(
        KIND, who=parties(*(d.agent for d in pinned)), key=f"dep:unsat:{name}", items=[_item(d) for d in pinned],
        reason=f"no version of {name} satisfies {' and '.join(sorted({d.spec for d in pinned}))} together")


def _unpinned_images(name: str, decls: list[Declaration]) -> list[Conflict]:
    tags = sorted({d.ref.split(":", 1)[1] for d in decls if d.spec and d.ref and ":" in d.ref})
    out = []
    for d in decls:
        if d.spec or not d.ref or len(tags) != 1:
            continue  # exactly one pinned tag is needed to know what to align to
        target = f"{d.ref.split(':', 1)[0]}:{tags[0]}"
        out.append(conflict(
            KIND, who=parties(*{x.agent for x in decls}), key=f"dep:unpinned:{name}@{d.file}:{d.line}",
            items=[_item(d)] + [_item(x) for x in decls if x.spec], similarity=1.0, candidate=target,
            reason=f"{d.file} runs {name} unpinned ({d.ref}) while another declaration pins {name}:{tags[0]}",
            proposal=[Edit(path=d.file, line=d.line, old=d.ref, new=target)]))
    return out


def detect(ctx: Context) -> list[Conflict]:
    groups: dict[str, list[Declaration]] = {}
    for d in declarations(ctx):
        groups.setdefault(d.name, []).append(d)
    out: list[Conflict] = []
    for name, decls in sorted(groups.items()):
        if c := _unsatisfiable(ctx, name, decls):
            out.append(c)
        out += _unpinned_images(name, decls)
    return out
