"""``config_mismatch``: ports, environment keys and service names that devops files and the backend's
configuration disagree on. Mediation aligns the devops side to the backend's value.

Similarity is that of the setting's name: the same key (1.0) is surely the same setting, so its value
is aligned; an unknown key is renamed only when it is a near spelling of a key the backend reads.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import yaml

from grokorc_assets.conflicts.common import Context, conflict, parties
from grokorc_assets.conflicts.models import Conflict, Edit
from grokorc_assets.conflicts.similarity import best

KIND = "config_mismatch"
_ENV_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DEFAULTED = re.compile(r"^\$\{(?P<key>[A-Z0-9_]+):-(?P<default>[^}]*)\}$")


@dataclass(frozen=True)
class Setting:
    agent: str | None
    file: str
    line: int
    key: str
    value: str


# ---- the backend's side --------------------------------------------------------------------------

def _constants(tree: ast.AST) -> dict[str, object]:
    return {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant) for t in n.targets if isinstance(t, ast.Name)}


def _value(node: ast.AST | None, consts: dict[str, object]) -> str | None:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name) and node.id in consts:
        return str(consts[node.id])
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str" and node.args:
        return _value(node.args[0], consts)
    return None


def backend_env(ctx: Context) -> dict[str, str]:
    """Every environment key the backend reads (``x.get("KEY", default)``/``getenv``) -> its default."""
    env: dict[str, str] = {}
    for path, text in sorted(ctx.view.trees.get("backend", {}).items()):
        if not (path.startswith("backend/app/") and path.endswith(".py")):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        consts = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and getattr(node.func, "attr", getattr(
                    node.func, "id", "")) in ("get", "getenv")):
                continue
            key = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
            if isinstance(key, str) and _ENV_KEY.match(key):
                env[key] = _value(node.args[1] if len(node.args) > 1 else None, consts) or ""
    return env


def backend_port(env: dict[str, str]) -> str | None:
    return env.get("APP_PORT") or next((v for k, v in env.items() if k.endswith("PORT")), None)


# ---- the devops side -----------------------------------------------------------------------------

def _find_line(text: str, needle: str, start: int = 1) -> int:
    for n, line in enumerate(text.splitlines()[start - 1:], start=start):
        if needle in line:
            return n
    return start


def _env_example(ctx: Context) -> list[Setting]:
    text, agent = ctx.view.text(".env.example"), ctx.view.owner(".env.example")
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        key, sep, value = line.strip().partition("=")
        if sep and not line.lstrip().startswith("#") and _ENV_KEY.match(key.strip()):
            out.append(Setting(agent, ".env.example", n, key.strip(), value.strip()))
    return out


def _compose(ctx: Context) -> tuple[dict, str, str | None]:
    text = ctx.view.text("docker-compose.yml")
    if text is None:
        return {}, "", None
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return {}, text, ctx.view.owner("docker-compose.yml")
    return (doc.get("services") or {}) if isinstance(doc, dict) else {}, text, ctx.view.owner("docker-compose.yml")


def _backend_service(services: dict) -> str | None:
    for name, svc in services.items():
        build = svc.get("build") if isinstance(svc, dict) else None
        context = build.get("context") if isinstance(build, dict) else build
        if isinstance(context, str) and context.rstrip("/").endswith("backend"):
            return name
    return "backend" if "backend" in services else None


def _compose_env(services: dict, name: str, text: str, agent: str | None) -> list[Setting]:
    env = (services.get(name) or {}).get("environment") or {}
    pairs = env.items() if isinstance(env, dict) else (str(e).partition("=")[::2] for e in env)
    start = _find_line(text, f"  {name}:")
    return [Setting(agent, "docker-compose.yml", _find_line(text, f"{k}", start), str(k), str(v)) for k, v in pairs]


# ---- conflicts -----------------------------------------------------------------------------------

def _align(s: Setting, expected: str, what: str, who: list[str]) -> Conflict:
    return conflict(
        KIND, who=who, key=f"config:{what}:{s.key}@{s.file}:{s.line}", similarity=1.0, candidate=expected,
        items=[f"{s.file}:{s.line} {s.key}={s.value}", f"backend: {s.key}={expected}"],
        reason=f"{s.file} sets {what} {s.key}={s.value} but the backend uses {expected}",
        proposal=[Edit(path=s.file, line=s.line, old=s.value, new=expected)])


def _unknown_key(ctx: Context, s: Setting, env: dict[str, str], taken: set[str]) -> Conflict:
    target, score = best(sorted(set(env) - taken) or sorted(env), lambda k: ctx.sim.names(s.key, k))
    proposal = [] if target is None else [Edit(path=s.file, line=s.line, old=s.key, new=target)]
    return conflict(
        KIND, who=parties(s.agent, "backend"), key=f"config:key:{s.key}@{s.file}", similarity=score if target
        else None, candidate=target, items=[f"{s.file}:{s.line} {s.key}={s.value}",
                                            f"backend reads {', '.join(sorted(env))}"],
        reason=f"{s.file} sets {s.key}, which the backend never reads", proposal=proposal)


def _is_runtime(ctx: Context, key: str) -> bool:
    return key.startswith(tuple(ctx.settings.runtime_env_prefixes))


def _check_settings(ctx: Context, settings: list[Setting], env: dict[str, str], *, all_values: bool) -> list[Conflict]:
    out: list[Conflict] = []
    present = {s.key for s in settings}
    port = backend_port(env)
    for s in settings:
        who = parties(s.agent, "backend")
        if s.key not in env:
            if not _is_runtime(ctx, s.key):
                out.append(_unknown_key(ctx, s, env, present))
            continue
        defaulted = _DEFAULTED.match(s.value)
        if defaulted and defaulted.group("default") != env[s.key]:
            out.append(_align(Setting(s.agent, s.file, s.line, s.key, defaulted.group("default")), env[s.key],
                              "the default of", who))
        elif not defaulted and (all_values or s.key.endswith("PORT")) and s.value != env[s.key] and (
                s.value.strip("'\"") != env[s.key]):
            out.append(_align(s, env[s.key] if s.key != "APP_PORT" else (port or env[s.key]), "the value of", who))
    return out


def _env_example_conflicts(ctx: Context, env: dict[str, str]) -> list[Conflict]:
    settings = _env_example(ctx)
    if not settings and ctx.view.text(".env.example") is None:
        return []
    out = _check_settings(ctx, settings, env, all_values=True)
    present = {s.key for s in settings}
    renamed = {c.candidate for c in out if c.key.startswith("config:key:")}
    agent = ctx.view.owner(".env.example")
    for key in sorted(set(env) - present - renamed):
        text = ctx.view.text(".env.example") or ""
        out.append(conflict(
            KIND, who=parties(agent, "backend"), key=f"config:missing:{key}@.env.example", similarity=1.0,
            candidate=f"{key}={env[key]}", items=[f".env.example lacks {key}", f"backend reads {key}={env[key]}"],
            reason=f".env.example omits {key}, which the backend reads",
            proposal=[Edit(path=".env.example", new=text.rstrip("\n") + f"\n{key}={env[key]}\n")]))
    return out


def _port_lines(ctx: Context, path: str, pattern: str, port: str, what: str,
                lines: range | None = None) -> list[Conflict]:
    """Every ``pattern`` match (group 'port') in ``path`` (within ``lines``) must name the backend's port."""
    text, agent = ctx.view.text(path), ctx.view.owner(path)
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        m = re.search(pattern, line) if lines is None or n in lines else None
        if m and m.group("port") != port:
            s = Setting(agent, path, n, what, m.group("port"))
            c = _align(s, port, "port", parties(agent, "backend"))
            out.append(c.model_copy(update={"proposal": [Edit(path=path, line=n, old=m.group(0),
                                                              new=m.group(0).replace(m.group("port"), port))]}))
    return out


def _service_block(text: str, name: str) -> range:
    """Lines of one compose service: from its key to the next key at the same indentation."""
    rows = text.splitlines()
    start = _find_line(text, f"  {name}:")
    end = next((n for n in range(start + 1, len(rows) + 1) if re.match(r"^ {0,2}[A-Za-z0-9_-]+:", rows[n - 1])),
               len(rows) + 1)
    return range(start, end)


def _service_conflicts(ctx: Context, services: dict, port: str, agent: str | None) -> list[Conflict]:
    """nginx proxies to ``host:port``: the host must be a compose service, the port the backend's."""
    out = _port_lines(ctx, "frontend/nginx.conf", r"proxy_pass\s+http://[^:/\s;]+:(?P<port>\d+)", port,
                      "proxy_pass port")
    text, owner = ctx.view.text("frontend/nginx.conf") or "", ctx.view.owner("frontend/nginx.conf")
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.search(r"proxy_pass\s+http://(?P<host>[^:/\s;]+)", line)
        if not m or not services or m.group("host") in services:
            continue
        host = m.group("host")
        target, score = best(sorted(services), lambda name, host=host: ctx.sim.names(host, name))
        out.append(conflict(
            KIND, who=parties(owner, agent, "backend"), key=f"config:host:{host}@frontend/nginx.conf",
            similarity=score if target else None, candidate=target,
            items=[f"frontend/nginx.conf:{n} proxy_pass host {host}", f"docker-compose.yml services: "
                   f"{', '.join(sorted(services))}"],
            reason=f"nginx proxies to host {host!r}, which no compose service is called",
            proposal=[] if target is None else [Edit(path="frontend/nginx.conf", line=n, old=f"//{host}",
                                                     new=f"//{target}")]))
    return out


def detect(ctx: Context) -> list[Conflict]:
    env = backend_env(ctx)
    if not env:
        return []  # no backend configuration to align to
    out = _env_example_conflicts(ctx, env)
    services, text, agent = _compose(ctx)
    name = _backend_service(services)
    port = backend_port(env)
    if name:
        out += _check_settings(ctx, _compose_env(services, name, text, agent), env, all_values=False)
    if port:
        block = _service_block(text, name) if name else range(0)
        out += _port_lines(ctx, "docker-compose.yml", r'"\d+:(?P<port>\d+)"', port, "backend container port",
                           block)
        out += _port_lines(ctx, "docker-compose.yml", r"urlopen\('http://[^:/]+:(?P<port>\d+)", port,
                           "healthcheck port", block)
        out += _port_lines(ctx, "backend/Dockerfile", r"^EXPOSE\s+(?P<port>\d+)", port, "EXPOSE")
        out += _port_lines(ctx, "backend/Dockerfile", r"^ENV\s+APP_PORT=(?P<port>\d+)", port, "ENV APP_PORT")
        out += _port_lines(ctx, "backend/Dockerfile", r"--port\s+(?P<port>\d+)", port, "CMD --port")
        out += _service_conflicts(ctx, services, port, agent)
    return out
