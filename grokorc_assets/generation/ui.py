"""UI inference: a component tree per plan page, bound to endpoints the generated backend serves,
rendered into final HTML pages inside the frontend's shell and styles.
"""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation.frontend import nav_links
from grokorc_assets.generation.models import (
    Binding,
    Endpoint,
    GenerationResult,
    ResourceSpec,
    UiNode,
    UiPage,
    UiResult,
)
from grokorc_assets.generation.render import render_html, reset_agent, write_files
from grokorc_assets.generation.spec import ProjectSpec, endpoints_of, project_spec, snake
from grokorc_assets.models import Plan

AGENT = "ui"
OVERVIEW_WORDS = frozenset({"overview", "dashboard", "home", "analytics", "reports", "report", "summary",
                            "insights", "metrics", "stats", "statistics", "index", "main"})
CHART_HINTS = ("chart", "graph", "visual", "analytic", "report", "trend", "metric", "plot")
FILTER_HINTS = ("filter", "search", "sort")
EXPORT_HINTS = ("csv", "export", "download")
MAX_KPIS = 4
INPUT_TYPES = {"str": "text", "email": "email", "int": "number", "float": "number", "bool": "checkbox"}


class _Ctx:
    """What every node builder needs: the spec, the backend's endpoints and a per-page id counter."""

    def __init__(self, spec: ProjectSpec, endpoints: list[Endpoint]) -> None:
        self.spec = spec
        self.by_operation = {e.operation: e for e in endpoints}
        self.counter = 0

    def dom_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.counter}"

    def binding(self, operation: str) -> Binding | None:
        endpoint = self.by_operation.get(operation)
        if endpoint is None:
            return None
        return Binding(method=endpoint.method, path=endpoint.path, operation=endpoint.operation)

    def has_feature(self, hints: tuple[str, ...]) -> bool:
        return any(hint in key for key in self.spec.feature_keys for hint in hints)


def heading(r: ResourceSpec) -> str:
    """"Orders" for a plain entity; the request's own spelling when it was anything fancier."""
    if snake(r.label) == r.name:
        return r.plural.replace("_", " ").capitalize()
    return r.label


def display(text: str) -> str:
    return text[:1].upper() + text[1:]


def _states(ctx: _Ctx, what: str) -> list[UiNode]:
    return [
        UiNode(type="empty_state", props={"message": f"No {what} yet."}),
        UiNode(type="error_state", props={"message": f"Could not load {what}."}),
    ]


def _data_table(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    binding = ctx.binding(f"{r.plural}.list")
    if binding is None:
        return None
    delete = ctx.binding(f"{r.plural}.delete")
    return UiNode(type="data_table", binding=binding, children=_states(ctx, heading(r).lower()), props={
        "id": ctx.dom_id("table"), "title": heading(r), "resource": r.plural,
        "columns": [{"field": "id", "label": "ID"}] + [{"field": f.name, "label": f.label} for f in r.fields],
        "filterable": ctx.has_feature(FILTER_HINTS), "exportable": ctx.has_feature(EXPORT_HINTS),
        "actions": [] if delete is None else [{"label": "Delete", **delete.model_dump()}],
    })


def _add_title(r: ResourceSpec) -> str:
    return f"Add {r.name.replace('_', ' ')}" if snake(r.label) == r.name else f"Add: {r.label}"


def _form(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    binding = ctx.binding(f"{r.plural}.create")
    if binding is None:
        return None
    form_id = ctx.dom_id("form")
    fields = [{"id": f"{form_id}-{f.name}", "name": f.name, "label": f.label, "type": f.type,
               "input_type": INPUT_TYPES[f.type], "required": f.required and f.type != "bool",
               "step": "0.01" if f.type == "float" else "1"} for f in r.fields]
    return UiNode(type="form", binding=binding, props={
        "id": form_id, "title": _add_title(r), "resource": r.plural, "fields": fields,
        "submit_label": "Save",
    }, children=[UiNode(type="error_state", props={"message": "Could not save."})])


def _kpis(ctx: _Ctx) -> list[UiNode]:
    cards: list[UiNode] = []
    for r in ctx.spec.resources[:MAX_KPIS]:
        if binding := ctx.binding(f"{r.plural}.list"):
            cards.append(UiNode(type="kpi_card", binding=binding, props={
                "id": ctx.dom_id("kpi"), "label": heading(r), "resource": r.plural, "metric": "count",
                "field": None}))
    numeric = _numeric(ctx.spec.resources)
    if numeric and (binding := ctx.binding(f"{numeric[0].plural}.list")):
        r, field = numeric
        cards.append(UiNode(type="kpi_card", binding=binding, props={
            "id": ctx.dom_id("kpi"), "label": f"Total {field} ({heading(r).lower()})", "resource": r.plural,
            "metric": "sum", "field": field}))
    return cards


def _numeric(resources: list[ResourceSpec]) -> tuple[ResourceSpec, str] | None:
    for r in resources:
        for f in r.fields:
            if f.type in ("float", "int"):
                return r, f.name
    return None


def _chart(ctx: _Ctx) -> UiNode | None:
    numeric = _numeric(ctx.spec.resources)
    r, field = numeric or (ctx.spec.resources[0], None)
    binding = ctx.binding(f"{r.plural}.list")
    if binding is None:
        return None
    measure = f"{field} by name" if field else "count by name"
    return UiNode(type="chart", binding=binding, children=_states(ctx, heading(r).lower()), props={
        "id": ctx.dom_id("chart"), "kind": "bar", "title": f"{heading(r)}: {measure}",
        "resource": r.plural, "field": field,
    })


def _resource_for(slug: str, spec: ProjectSpec, index: int) -> ResourceSpec:
    words = set(snake(slug).split("_"))
    for r in spec.resources:
        if r.name in words or r.plural in words or r.name == snake(slug) or r.plural == snake(slug):
            return r
    # No page-to-entity match: spread pages over the resources so each gets a home.
    return spec.resources[index % len(spec.resources)]


def _page_tree(ctx: _Ctx, label: str, slug: str, index: int) -> list[UiNode]:
    ctx.counter = 0
    nav = UiNode(type="navigation", props={
        "label": "Primary", "links": [link.model_dump() for link in nav_links(ctx.spec, slug, True)]})
    nodes: list[UiNode | None] = [nav]
    overview = bool(set(snake(slug).split("_")) & OVERVIEW_WORDS)
    if overview:
        nodes += _kpis(ctx)
        if ctx.has_feature(CHART_HINTS) or ctx.spec.archetype in ("dashboard", "ml"):
            nodes.append(_chart(ctx))
        nodes.append(_data_table(ctx, ctx.spec.resources[0]))
    else:
        resource = _resource_for(slug, ctx.spec, index)
        nodes += [_data_table(ctx, resource), _form(ctx, resource)]
    return [node for node in nodes if node is not None]


def _render(spec: ProjectSpec, page: UiPage) -> str:
    nav = page.components[0].props["links"]
    return render_html("ui/page.html.j2", title=spec.title, page_title=display(page.name), prefix="../",
                       nav=nav, page=page)


def infer_ui(plan: Plan, workspace: Path, backend: GenerationResult | None = None, *,
             title: str | None = None) -> UiResult:
    """Component trees and rendered pages in <workspace>/agents/ui/; not applicable without a UI."""
    spec = project_spec(plan, title)
    if not spec.has_ui:
        reason = f"a {plan.archetype} plan has no user interface (has_ui is false)"
        return UiResult(applicable=False, reason=reason)
    # Bind to what the backend really serves; without its result, to what it will serve for this plan.
    endpoints = backend.endpoints if backend is not None else endpoints_of(spec.resources)
    ctx = _Ctx(spec, endpoints)
    pages = [UiPage(name=label, slug=slug, path=f"frontend/pages/{slug}.html",
                    components=_page_tree(ctx, label, slug, index))
             for index, (label, slug) in enumerate(spec.pages)]
    root = reset_agent(workspace, AGENT)
    files = write_files(root, {page.path: _render(spec, page) for page in pages})
    return UiResult(
        applicable=True, root=str(root), pages=pages, files=files,
        components_generated=sum(node.count() for page in pages for node in page.components),
    )
