"""``api_contract``: calls the frontend makes, bindings the ui makes and form fields it sends that the
backend does not serve or accept. Mediation rewrites the caller to the most similar served contract.
"""

from __future__ import annotations

import re

from grokorc_assets.conflicts.common import Context, conflict, parties
from grokorc_assets.conflicts.models import Conflict, Edit
from grokorc_assets.conflicts.similarity import best
from grokorc_assets.conflicts.sources import (
    ITEM_PARAM,
    BackendApi,
    Binding,
    Call,
    FormField,
    form_fields,
    frontend_calls,
    operation_map,
    page_bindings,
    parse_backend,
)

KIND = "api_contract"
_PARAM = re.compile(r"\{[^}]*\}")


def _shape(path: str) -> str:
    """Parameter names do not matter to a client: /api/orders/{id} and /api/orders/{item_id} agree."""
    return _PARAM.sub("{}", path.rstrip("/") or "/")


def _served(call: Call, served: set[tuple[str, str]]) -> bool:
    """A route's path parameter matches any one segment: GET /api/stats/{plural} serves /api/stats/books."""
    method, shape = call.method, _shape(call.path)
    if (method, shape) in served:
        return True
    parts = shape.split("/")
    return any(m == method and len(route.split("/")) == len(parts)
               and all(r in ("{}", c) for r, c in zip(route.split("/"), parts, strict=True))
               for m, route in served)


def _literal(path: str) -> str:
    """The string literal a call site spells for a path (api.js appends the item id itself)."""
    return path[: -len(ITEM_PARAM)] if path.endswith(ITEM_PARAM) else path


def _call_conflict(ctx: Context, call: Call, api: BackendApi) -> Conflict:
    same_method = sorted({r.path for r in api.routes if r.method == call.method})
    target, score = best(same_method, lambda p: ctx.sim.paths(call.path, p))
    proposal = []
    if target is not None:
        proposal = [Edit(path=call.file, line=call.line, old=f'"{_literal(call.path)}"',
                         new=f'"{_literal(target)}"')]
    where = f" in {call.function}()" if call.function else ""
    return conflict(
        KIND, who=parties(call.agent, "backend"), key=f"api:call:{call.method} {_shape(call.path)}@{call.file}",
        items=[f"{call.file}:{call.line} {call.method} {call.path}{where}",
               f"backend/app/main.py: {len(api.routes)} routes, none {call.method} {call.path}"],
        reason=f"the frontend calls {call.method} {call.path}, which no backend route serves",
        similarity=round(score, 3) if target else None, candidate=f"{call.method} {target}" if target else None,
        proposal=proposal)


def _action(operation: str) -> tuple[str, str]:
    head, _, action = operation.rpartition(".")
    return (head, action) if head else (operation, "")


def _binding_conflict(ctx: Context, b: Binding, operations: dict[str, str]) -> Conflict:
    resource, action = _action(b.operation)
    # Only an operation doing the same thing (list, create, ...) can stand in for the missing one.
    same_action = sorted(op for op in operations if _action(op)[1] == action)
    target, score = best(same_action, lambda op: ctx.sim.names(resource, _action(op)[0]))
    proposal = [] if target is None else [Edit(path=b.file, line=b.line, old=f' {b.attr}="{b.operation}"',
                                               new=f' {b.attr}="{target}"')]
    return conflict(
        KIND, who=parties(b.agent, "frontend"), key=f"api:binding:{b.operation}@{b.file}",
        items=[f"{b.file}:{b.line} {b.attr}={b.operation}", f"frontend/api.js: {len(operations)} operations"],
        reason=f"a component binds to operation {b.operation!r}, which api.js does not provide",
        similarity=round(score, 3) if target else None, candidate=target, proposal=proposal)


def _field_conflict(ctx: Context, f: FormField, accepted: dict[str, bool], sent: set[str]) -> Conflict:
    # Prefer a field the form does not already send: that is the one the typo stands for.
    pool = sorted(set(accepted) - sent) or sorted(accepted)
    target, score = best(pool, lambda name: ctx.sim.names(f.name, name))
    # Only the submitted name is the contract; element ids may keep the old spelling.
    proposal = [] if target is None else [Edit(path=f.file, line=f.line, old=f'name="{f.name}"',
                                               new=f'name="{target}"')]
    return conflict(
        KIND, who=parties(f.agent, "backend"), key=f"api:field:{f.operation}.{f.name}@{f.file}",
        items=[f"{f.file}:{f.line} form {f.operation} sends {f.name!r}",
               f"backend/app/models.py: accepts {', '.join(sorted(accepted))}"],
        reason=f"the form for {f.operation} sends field {f.name!r}, which the backend rejects (extra fields "
               "are forbidden)", similarity=round(score, 3) if target else None, candidate=target,
        proposal=proposal)


def _form_conflicts(ctx: Context, api: BackendApi) -> list[Conflict]:
    out: list[Conflict] = []
    fields = form_fields(ctx.view)
    forms = sorted({(f.file, f.operation) for f in fields})
    for file, operation in forms:
        resource, action = _action(operation)
        accepted = api.inputs.get(resource)
        if accepted is None or action not in ("create", "update"):
            continue  # an unknown operation is reported as a binding conflict
        mine = [f for f in fields if (f.file, f.operation) == (file, operation)]
        sent = {f.name for f in mine}
        out += [_field_conflict(ctx, f, accepted, sent) for f in mine if f.name not in accepted]
        missing = sorted(n for n, required in accepted.items() if required and n not in sent)
        unknown = [f for f in mine if f.name not in accepted]
        if missing and not unknown:  # with an unknown field, renaming it is the fix reported above
            out.append(conflict(
                KIND, who=parties(mine[0].agent, "backend"), key=f"api:missing:{operation}@{file}",
                items=[f"{file}:{mine[0].line} form {operation} lacks {', '.join(missing)}"],
                reason=f"the form for {operation} never sends required field(s) {', '.join(missing)}"))
    return out


def detect(ctx: Context) -> list[Conflict]:
    api = parse_backend(ctx.view)
    calls = frontend_calls(ctx.view)
    if not api.found:
        return []  # no HTTP backend (a command line): nothing to call
    served = {(r.method, _shape(r.path)) for r in api.routes}
    out = [_call_conflict(ctx, c, api) for c in calls if not _served(c, served)]
    operations = operation_map(ctx.view)
    if operations:
        out += [_binding_conflict(ctx, b, operations) for b in page_bindings(ctx.view)
                if b.operation not in operations]
    return out + _form_conflicts(ctx, api)
