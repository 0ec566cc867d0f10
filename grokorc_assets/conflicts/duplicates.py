"""``duplicate_component``: one entity under two names across agents (a ui component's data-resource or
an api.js resource description that is not the backend's name for the same fields).

Mediation renames the duplicate to the backend's name: components refresh each other by data-resource,
so "order" beside "orders" silently breaks "save, then reload the table".
"""

from __future__ import annotations

import json
import re

from grokorc_assets.conflicts.common import Context, conflict, parties
from grokorc_assets.conflicts.models import Conflict, Edit
from grokorc_assets.conflicts.sources import BackendApi, parse_backend
from grokorc_assets.conflicts.view import line_of

KIND = "duplicate_component"
_TAG = re.compile(r"<[a-z]+\b[^>]*\sdata-resource=\"(?P<res>[^\"]*)\"[^>]*>")
_OPERATION = re.compile(r'\sdata-operation="(?P<op>[^"]*)"')
_META = re.compile(r"^\s*resources:\s*(?P<json>\{.*\}),\s*$", re.M)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _score(ctx: Context, name: str, fields: set[str], plural: str, api: BackendApi) -> tuple[float, float]:
    """(field overlap, similarity): names by embedding/spelling, fields by overlap, equally weighted."""
    overlap = _jaccard(fields, set(api.inputs[plural]))
    return overlap, round((ctx.sim.names(name, plural) + overlap) / 2, 3)


def _best(ctx: Context, name: str, fields: set[str], api: BackendApi) -> tuple[str | None, float]:
    floor = ctx.settings.duplicate_field_overlap
    scored = [(p, *_score(ctx, name, fields, p, api)) for p in sorted(api.inputs)]
    scored = [(p, s) for p, overlap, s in scored if overlap >= floor]
    return max(scored, key=lambda x: x[1], default=(None, 0.0))


def _ui_duplicates(ctx: Context, api: BackendApi) -> list[Conflict]:
    out: list[Conflict] = []
    for agent, tree in ctx.view.trees.items():
        for path, text in sorted(tree.items()):
            if not (path.startswith("frontend/") and path.endswith(".html")):
                continue
            for m in _TAG.finditer(text):
                name = m.group("res")
                op = _OPERATION.search(m.group(0))
                bound = op.group("op").rpartition(".")[0] if op else ""
                if name in api.inputs or bound not in api.inputs:
                    continue  # the backend's own name, or a binding problem reported as api_contract
                # The component is bound to ``bound``'s operations: it shows that entity's fields.
                similarity = round((ctx.sim.names(name, bound) + 1.0) / 2, 3)
                line = line_of(text, m.start())
                out.append(conflict(
                    KIND, who=parties(agent, "backend"), key=f"dup:ui:{name}->{bound}@{path}:{line}",
                    items=[f"{path}:{line} data-resource={name}", f"bound to {op.group('op')} "
                           f"(backend entity {bound!r})"],
                    reason=f"a component names entity {bound!r} {name!r}: components refresh by that name",
                    similarity=similarity, candidate=bound,
                    proposal=[Edit(path=path, line=line, old=f' data-resource="{name}"',
                                   new=f' data-resource="{bound}"')]))
    return out


def _meta_duplicates(ctx: Context, api: BackendApi) -> list[Conflict]:
    text = ctx.view.text("frontend/api.js") or ""
    agent = ctx.view.owner("frontend/api.js")
    match = _META.search(text)
    if match is None:
        return []
    try:
        meta = json.loads(match.group("json"))
    except json.JSONDecodeError:
        return []
    line = line_of(text, match.start("json"))
    out: list[Conflict] = []
    for name, desc in sorted(meta.items()):
        fields = {f.get("name") for f in desc.get("fields", []) if isinstance(f, dict)}
        target, similarity = _best(ctx, name, fields, api)
        if name in api.inputs or target is None:
            continue  # same name, or fields unlike any backend entity: not the same thing
        out.append(conflict(
            KIND, who=parties(agent, "backend"), key=f"dup:meta:{name}->{target}",
            items=[f"frontend/api.js:{line} resources[{name!r}] fields {', '.join(sorted(fields))}",
                   f"backend/app/models.py: {target!r} fields {', '.join(sorted(api.inputs[target]))}"],
            reason=f"api.js describes entity {name!r} with the fields of backend entity {target!r}",
            similarity=similarity, candidate=target,
            proposal=[Edit(path="frontend/api.js", line=line, old=f'"{name}": {{', new=f'"{target}": {{')]))
    return out


def detect(ctx: Context) -> list[Conflict]:
    api = parse_backend(ctx.view)
    if not api.found or not api.inputs:
        return []
    return _ui_duplicates(ctx, api) + _meta_duplicates(ctx, api)
