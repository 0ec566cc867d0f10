"""Import-free parsers of what the agents declare: backend routes and models (``ast``), frontend calls,
operation maps, page bindings and forms (regular expressions over the generated, regular JS/HTML).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from grokorc_assets.conflicts.view import AgentView, line_of

HTTP_METHODS = ("get", "post", "put", "delete", "patch")
ITEM_PARAM = "{item_id}"

# request("GET", "/api/orders/" + id(itemId)) in api.js; fetch("/api/x", { method: "POST" }) anywhere.
_REQUEST = re.compile(r'request\(\s*"(?P<method>[A-Z]+)"\s*,\s*"(?P<path>/[^"]*)"(?P<item>\s*\+\s*id\()?')
_FETCH = re.compile(r'fetch\(\s*["\'](?P<path>/[^"\']*)["\'](?:\s*,\s*\{[^}]*method\s*:\s*["\'](?P<method>[A-Z]+))?')
_FUNCTION = re.compile(r"function\s+(?P<name>[A-Za-z_$][\w$]*)\s*\(")
_OPERATIONS = re.compile(r"operations\s*:\s*Object\.freeze\(\{(?P<body>.*?)\}\)", re.S)
_OP_ENTRY = re.compile(r'"(?P<op>[^"]+)"\s*:\s*(?P<fn>[A-Za-z_$][\w$]*)')
_BINDING = re.compile(r'\s(?P<attr>data-(?:delete-)?operation)="(?P<op>[^"]*)"')
_FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S)
_INPUT_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\sname="(?P<name>[^"]*)"')


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    line: int


@dataclass(frozen=True)
class Call:
    agent: str
    file: str
    line: int
    method: str
    path: str
    function: str | None


@dataclass(frozen=True)
class Binding:
    agent: str
    file: str
    line: int
    attr: str
    operation: str


@dataclass(frozen=True)
class FormField:
    agent: str
    file: str
    line: int
    operation: str
    name: str


@dataclass
class BackendApi:
    routes: list[Route] = field(default_factory=list)
    # plural -> {field: required} of the model clients send (<Name>Input)
    inputs: dict[str, dict[str, bool]] = field(default_factory=dict)
    found: bool = False


# ---- backend -------------------------------------------------------------------------------------

def _str_const(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _template(node: ast.AST | None) -> str | None:
    """A literal or an f-string, with every placeholder written as ``{expr}``."""
    if (text := _str_const(node)) is not None:
        return text
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                 for v in node.values if isinstance(v, (ast.Constant, ast.FormattedValue))]
        return "".join(str(p) for p in parts)
    return None


def _router_prefixes(tree: ast.AST) -> dict[str, str]:
    """router variable -> prefix template, from ``x = APIRouter(prefix=...)``."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")) != "APIRouter":
            continue
        prefix = next((_template(k.value) for k in node.value.keywords if k.arg == "prefix"), "") or ""
        for target in node.targets:
            if isinstance(target, ast.Name):
                out[target.id] = prefix
    return out


def _expand(template: str, plurals: list[str]) -> list[str]:
    """A prefix such as ``/api/{resource.plural}`` stands for every resource the models declare."""
    if "{resource.plural}" in template:
        return [template.replace("{resource.plural}", p) for p in plurals]
    return [template]


def _decorated_routes(tree: ast.AST, prefixes: dict[str, str], plurals: list[str]) -> list[Route]:
    routes: list[Route] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                    and deco.func.attr in HTTP_METHODS and isinstance(deco.func.value, ast.Name)):
                continue
            path = _str_const(deco.args[0]) if deco.args else None
            if path is None:
                continue
            prefix = prefixes.get(deco.func.value.id, "")
            routes += [Route(deco.func.attr.upper(), full + path, deco.lineno) for full in _expand(prefix, plurals)]
    return routes


def _required(value: ast.AST | None) -> bool:
    """A pydantic field without a default is required."""
    if value is None:
        return True
    if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "Field":
        has_default = any(k.arg in ("default", "default_factory") for k in value.keywords)
        positional = bool(value.args) and not (isinstance(value.args[0], ast.Constant) and value.args[0].value is ...)
        return not (has_default or positional)
    return False


def _models(tree: ast.AST) -> tuple[list[tuple[str, str]], dict[str, dict[str, bool]]]:
    """([(plural, input class)], {class: {field: required}}) from ``RESOURCES`` and model classes."""
    classes: dict[str, dict[str, bool]] = {}
    resources: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {s.target.id: _required(s.value) for s in node.body
                                  if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                                  and s.target.id != "model_config"}
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Resource" and len(node.args) >= 3:
            plural, model = _str_const(node.args[1]), node.args[2]
            if plural and isinstance(model, ast.Name):
                resources.append((plural, model.id))
    return resources, classes


def parse_backend(view: AgentView) -> BackendApi:
    """Routes from every module of the backend package (main.py and its feature modules), models from models.py."""
    api = BackendApi()
    tree = view.trees.get("backend", {})
    main, models = tree.get("backend/app/main.py"), tree.get("backend/app/models.py")
    if main is None:
        return api
    try:
        modules = [ast.parse(text) for path, text in sorted(tree.items())
                   if path.startswith("backend/app/") and path.endswith(".py")]
        models_tree = ast.parse(models) if models else ast.Module(body=[], type_ignores=[])
    except SyntaxError:
        return api
    resources, classes = _models(models_tree)
    api.inputs = {plural: classes.get(cls, {}) for plural, cls in resources}
    plurals = [p for p, _ in resources]
    api.routes = [route for module in modules
                  for route in _decorated_routes(module, _router_prefixes(module), plurals)]
    api.found = True
    return api


# ---- frontend and ui -----------------------------------------------------------------------------

def _enclosing_function(text: str, offset: int) -> str | None:
    names = [m.group("name") for m in _FUNCTION.finditer(text, 0, offset)]
    return names[-1] if names else None


def frontend_calls(view: AgentView) -> list[Call]:
    calls: list[Call] = []
    for agent, tree in view.trees.items():
        for path, text in tree.items():
            if not (path.startswith("frontend/") and path.endswith(".js")):
                continue
            for m in _REQUEST.finditer(text):
                full = m.group("path") + (ITEM_PARAM if m.group("item") else "")
                calls.append(Call(agent, path, line_of(text, m.start()), m.group("method"), full,
                                  _enclosing_function(text, m.start())))
            for m in _FETCH.finditer(text):
                calls.append(Call(agent, path, line_of(text, m.start()), m.group("method") or "GET",
                                  m.group("path"), _enclosing_function(text, m.start())))
    return calls


def operation_map(view: AgentView) -> dict[str, str]:
    """operation -> api.js function name (the table pages look bindings up in)."""
    text = view.text("frontend/api.js") or ""
    block = _OPERATIONS.search(text)
    return {} if block is None else {m.group("op"): m.group("fn") for m in _OP_ENTRY.finditer(block.group("body"))}


def _pages(view: AgentView):
    for agent, tree in view.trees.items():
        for path, text in sorted(tree.items()):
            if path.startswith("frontend/") and path.endswith(".html"):
                yield agent, path, text


def page_bindings(view: AgentView) -> list[Binding]:
    return [Binding(agent, path, line_of(text, m.start()), m.group("attr"), m.group("op"))
            for agent, path, text in _pages(view) for m in _BINDING.finditer(text)]


def form_fields(view: AgentView) -> list[FormField]:
    out: list[FormField] = []
    for agent, path, text in _pages(view):
        for form in _FORM.finditer(text):
            op = re.search(r'data-operation="([^"]*)"', form.group("attrs"))
            if op is None:
                continue
            for m in _INPUT_NAME.finditer(text, form.start("body"), form.end("body")):
                out.append(FormField(agent, path, line_of(text, m.start()), op.group(1), m.group("name")))
    return out
