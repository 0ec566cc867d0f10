"""No import cycles in grokorc_assets: between modules, and between the domain packages.

The graph is read from the source with ``ast`` (nothing is imported): every ``import`` and
``from ... import`` anywhere in a module (top level, functions, ``if TYPE_CHECKING``), relative
imports resolved. ``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else to
``pkg``. Importing ``pkg.sub`` is an edge to ``pkg.sub`` only: a package's ``__init__`` importing its
own submodules is no cycle, unless one of them imports the package itself back.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "grokorc_assets"

# The Dagster layer and the command line (see grokorc_assets/__init__.py): they sit on top of the domain
# packages and may import one another; the domain packages below them must form a DAG.
APP_LAYER = {"assets", "checks", "cli", "definitions", "forkserver_preload", "instance", "jobs", "resources",
             "run_coordinator", "run_launcher", "run_worker", "sensors"}

Graph = dict[str, dict[str, str]]  # module -> {imported module: "path:line" of the first import}


def modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package ``__init__``) for every .py file of the package."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _resolve_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    here = module.split(".") if is_package else module.split(".")[:-1]
    base = here[: len(here) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> Graph:
    known = modules(root, package)

    def owner(name: str) -> str | None:
        # "grokorc_assets.x.y.Name" -> the longest prefix that is one of our modules.
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: Graph = {name: {} for name in known}
    for module, (path, is_package) in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve_from(node, module, is_package)
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in known else source for a in node.names]
            else:
                continue
            for target in targets:
                if target != package and not target.startswith(package + "."):
                    continue
                resolved = owner(target)
                if resolved is not None and resolved != module:
                    graph[module].setdefault(resolved, f"{path.relative_to(root)}:{node.lineno}")
    return graph


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm (iterative); only components with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def shortest_cycle(graph: Graph, component: list[str]) -> list[str]:
    """A shortest cycle through the component's first node, as a closed path [a, b, ..., a]."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node]):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")  # cannot happen inside a component


def describe(graph: Graph, cycles: list[list[str]]) -> str:
    lines = []
    for component in cycles:
        path = shortest_cycle(graph, component)
        lines.append(f"cycle among {len(component)} ({', '.join(component)}):")
        lines += [f"  {a} -> {b}  ({graph[a][b]})" for a, b in zip(path, path[1:], strict=False)]
    return "\n".join(lines)


def package_graph(graph: Graph, package: str = PACKAGE, skip: set[str] = APP_LAYER) -> Graph:
    """Edges between the top-level parts of the package (``grokorc_assets.planning`` for every planning module)."""

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    tops: Graph = {}
    for module, targets in graph.items():
        if top(module).rpartition(".")[2] in skip:
            continue
        tops.setdefault(top(module), {})
        for target, where in targets.items():
            if top(target) != top(module) and top(target).rpartition(".")[2] not in skip:
                tops[top(module)].setdefault(top(target), where)
    for targets in list(tops.values()):
        for target in targets:
            tops.setdefault(target, {})
    return tops


def test_no_cycle_between_modules() -> None:
    graph = import_graph()
    assert len(graph) > 50 and graph[f"{PACKAGE}.planning.service"], "the graph looks empty: wrong root?"
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles between modules:\n" + describe(graph, cycles)


def test_no_cycle_between_domain_packages() -> None:
    """planning, storage, llm, visual...: one may use another only if that one never uses it back."""
    graph = package_graph(import_graph())
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles between packages:\n" + describe(graph, cycles)


def test_the_graph_resolves_what_the_cycle_check_relies_on(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg.a import thing\n")
    (pkg / "a.py").write_text("from . import b\nthing = 1\n")
    (pkg / "b.py").write_text("def f():\n    from .sub import c\n")
    (pkg / "sub" / "__init__.py").write_text("from .c import x\n")
    (pkg / "sub" / "c.py").write_text("import pkg.a\nfrom pkg import thing\nfrom ..a import thing as t\nx = 1\n")
    graph = import_graph(tmp_path, "pkg")
    assert set(graph["pkg"]) == {"pkg.a"}  # a package importing its own submodule
    assert set(graph["pkg.a"]) == {"pkg.b"}  # "from . import b": the submodule, not the package
    assert set(graph["pkg.b"]) == {"pkg.sub.c"}  # function level, relative
    assert set(graph["pkg.sub"]) == {"pkg.sub.c"}
    assert set(graph["pkg.sub.c"]) == {"pkg.a", "pkg"}  # "from pkg import thing": the package itself
    cycles = strongly_connected(graph)
    assert cycles == [["pkg", "pkg.a", "pkg.b", "pkg.sub.c"]]
    assert "pkg.b -> pkg.sub.c  (pkg/b.py:2)" in describe(graph, cycles)
