"""UI inference: a component tree per page, shaped by the plan's archetype and features and bound to
endpoints the generated backend serves, rendered into final HTML pages inside the frontend's shell.

The main page's tree (``main_tree``) is built here too, but the frontend agent writes it as
index.html: the ui stage only writes pages/*.html, so the two agents never write the same file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

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
from grokorc_assets.generation.site import (
    SitePage,
    heading,
    nav_links,
    resource_by_name,
    shell_flags,
    site_data,
    site_pages,
)
from grokorc_assets.generation.spec import (
    ProjectSpec,
    endpoints_of,
    feature_label,
    project_spec,
    refers_to,
    snake,
    text_field,
)
from grokorc_assets.generation.ui_text import has_text, in_sentence, template_text, text
from grokorc_assets.models import EntityField, Plan
from grokorc_assets.planning.acceptance import VERB_BOOKING_NAMES, feature_field
from grokorc_assets.planning.charts import ChartQuery

AGENT = "ui"
FILTER_FEATURES = ("filters", "search", "sort")
MAX_KPIS = 4
INPUT_TYPES = {"str": "text", "text": "textarea", "email": "email", "int": "number", "float": "number",
               "bool": "checkbox", "datetime": "datetime-local"}
MAX_LENGTH = {"str": 200, "email": 320, "text": 5000}


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

    def has(self, *keys: str) -> bool:
        return any(key in self.spec.feature_keys for key in keys)

    def role(self, name: str) -> ResourceSpec | None:
        return resource_by_name(self.spec, getattr(self.spec.roles, name))

    def works_on(self, r: ResourceSpec, feature: str) -> bool:
        """Whether a feature the plan has works on ``r`` (the entity it was asked for, else the main one)."""
        return self.has(feature) and self.spec.roles.target(feature) == r.name

    def referred(self, r: ResourceSpec, field: str) -> ResourceSpec | None:
        """The other resource a ``{name}_id`` field of ``r`` refers to, if any."""
        return next((o for o in self.spec.resources if o.name != r.name and refers_to(field, o)), None)

    def is_role(self, r: ResourceSpec, role: str, feature: str) -> bool:
        """Whether ``r`` plays ``role`` for a feature the plan has (search on the main resource, ...)."""
        return self.has(feature) and getattr(self.spec.roles, role) == r.name

    def text(self, key: str, **values: object) -> str:
        """A UI message in the project's language (ui_text.yaml)."""
        return text(key, self.spec.language, **values)

    def items(self, r: ResourceSpec) -> str:
        """What a region of ``r`` lists, as a sentence names it ("orders", German "Kurse")."""
        return in_sentence(heading(r).lower(), self.spec.language)


def display(text: str) -> str:
    return text[:1].upper() + text[1:]


def _states(ctx: _Ctx, items: str, *, loading: bool = True, idle: bool = False) -> list[UiNode]:
    """Loading, empty and error states of a region listing ``items``. ``idle``: nothing yet is normal
    there (a fresh chat room, a record's comments), so its empty state says "idle" and never reads as
    missing data."""
    nodes = [UiNode(type="loading_state", props={"message": ctx.text("state.loading", items=items)})] if loading else []
    return nodes + [
        UiNode(type="empty_state", props={"message": ctx.text("state.empty", items=items),
                                          "state": "idle" if idle else "empty"}),
        UiNode(type="error_state", props={"message": ctx.text("state.load_failed", items=items)}),
    ]


def _outcome(ctx: _Ctx, error: str, success: str | None = None) -> list[UiNode]:
    """Error and success states of an action; ``error`` and ``success`` are message ids."""
    nodes = [UiNode(type="error_state", props={"message": ctx.text(error)})]
    if success is not None:
        nodes.append(UiNode(type="success_state", props={"message": ctx.text(success)}))
    return nodes


def _field_of(ctx: _Ctx, r: ResourceSpec, feature: str) -> str:
    """The field sort, filters and charts work on: the backend and the criteria pick the same one."""
    fields = {r.entity or r.name: [EntityField(name=f.name, type=f.type) for f in r.fields]}
    chosen = getattr(ctx.spec.roles, f"{feature}_field", None) if ctx.works_on(r, feature) else None
    name = feature_field(feature, r.entity or r.name, fields, chosen)
    return name if any(f.name == name for f in r.fields) else r.fields[0].name


def _label_of(r: ResourceSpec, field: str) -> str:
    return next((f.label for f in r.fields if f.name == field), field)


# ---- lists ------------------------------------------------------------------------------------------

def _columns(ctx: _Ctx, r: ResourceSpec) -> list[dict]:
    # "ID" reads the same in every language the catalogue has.
    columns = [{"field": "id", "label": "ID"}] + [_column(ctx, r, f) for f in r.fields]
    extras = (("tags", "tags"), ("ratings", "rating"), ("votes", "score"))
    columns += [{"field": field, "label": ctx.text(f"column.{field}")} for feature, field in extras
                if (ctx.works_on(r, feature) if feature != "tags" else ctx.is_role(r, "main", feature))]
    return columns


def _column(ctx: _Ctx, r: ResourceSpec, f) -> dict:
    """A column; one that refers to another resource's records shows their names, not their ids."""
    target = ctx.referred(r, f.name)
    if target is None:
        return {"field": f.name, "label": f.label}
    return {"field": f.name, "label": display(target.label), "refers": target.plural,
            "refers_label": shown_field(target)}


def _sort_options(ctx: _Ctx, r: ResourceSpec, first: str) -> list[dict]:
    fields = sorted((f for f in r.fields if f.type != "text"), key=lambda f: f.name != first)
    options = [{"value": "", "label": ctx.text("sort.default")}]
    for f in fields:
        options += [{"value": f.name, "label": ctx.text("sort.ascending", label=f.label)},
                    {"value": f"-{f.name}", "label": ctx.text("sort.descending", label=f.label)}]
    return options


def _server_widgets(ctx: _Ctx, r: ResourceSpec) -> dict:
    """Search, sort, filter, tags and paging the backend does (query params): on the main resource, or on
    the one the request named a list feature with ("rehearsals sorted by date")."""
    main = ctx.spec.roles.main == r.name
    filter_field = _field_of(ctx, r, "filters")
    filtered = next((f for f in r.fields if f.name == filter_field), None)
    filter_type = filtered.type if filtered else "str"
    return {
        "search": ctx.works_on(r, "search"),
        "sort": _sort_options(ctx, r, _field_of(ctx, r, "sort")) if ctx.works_on(r, "sort") else [],
        "filter": {"field": filter_field, "label": _label_of(r, filter_field), "type": filter_type,
                   "choices": (filtered.choices if filtered else None) or []}
        if ctx.works_on(r, "filters") else None,
        "tag_filter": main and ctx.has("tags"),
        "paged": ctx.works_on(r, "pagination"),
        "export_href": f"/api/{r.plural}/export.csv" if main and ctx.has("csv_export") else None,
    }


def _row_actions(ctx: _Ctx, r: ResourceSpec) -> dict:
    delete = ctx.binding(f"{r.plural}.delete")
    update = ctx.binding(f"{r.plural}.update")
    return {
        "actions": [] if delete is None else [{"label": ctx.text("app_js.delete"), **delete.model_dump()}],
        # Rows open in the resource's form to be changed (the form of the same page, when it has one).
        "update_operation": update.operation if update is not None else None,
        # The priced resource's money field: the cart adds up what a row of it costs.
        "cart": ctx.spec.roles.price_field if ctx.is_role(r, "priced", "checkout") else None,
        "rating": ctx.works_on(r, "ratings"),
        "votes": ctx.works_on(r, "votes"),
        "comments": ctx.works_on(r, "comments"),
        "attachments": ctx.works_on(r, "file_upload") or ctx.works_on(r, "media_gallery"),
    }


def _data_table(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    binding = ctx.binding(f"{r.plural}.list")
    if binding is None:
        return None
    server = _server_widgets(ctx, r)
    main = ctx.spec.roles.main == r.name
    return UiNode(type="data_table", binding=binding, children=_states(ctx, ctx.items(r)), props={
        "id": ctx.dom_id("table"), "title": heading(r), "resource": r.plural, "columns": _columns(ctx, r),
        # Tables the backend does not search still filter and export what they loaded.
        "filterable": ctx.has(*FILTER_FEATURES) and not main and not server["search"],
        "exportable": ctx.has("csv_export") and not main,
        **server, **_row_actions(ctx, r),
    })



# ---- forms ------------------------------------------------------------------------------------------

def _add_title(ctx: _Ctx, r: ResourceSpec) -> str:
    if snake(r.label) == r.name:  # the label, not the identifier: "Añadir adopción", not "adopcion"
        return ctx.text("form.add", name=in_sentence(r.label, ctx.spec.language))
    return ctx.text("form.add_label", label=r.label)


def _input(form_id: str, f) -> dict:
    return {"id": f"{form_id}-{f.name}", "name": f.name, "label": f.label, "type": f.type,
            "input_type": "choice" if f.choices else INPUT_TYPES[f.type], "choices": f.choices or [],
            "required": f.required and f.type != "bool",
            "step": "0.01" if f.type == "float" else "1", "maxlength": MAX_LENGTH.get(f.type)}


def shown_field(r: ResourceSpec) -> str:
    """The field a record is named by in another resource's form or table: its first short text."""
    return next((f.name for f in r.fields if f.type == "str" and not f.choices), r.fields[0].name)


def _reference_select(ctx: _Ctx, r: ResourceSpec, field: dict) -> dict:
    """A field that refers to another resource's records (a loan's ``book_id``, a booking's ``{thing}_id``)
    is picked from them by name, not typed as a number."""
    target = ctx.referred(r, field["name"])
    if target is None:
        return field
    return {**field, "label": display(target.label), "input_type": "select", "options_resource": target.plural,
            "options_label": shown_field(target)}


def _form(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    binding = ctx.binding(f"{r.plural}.create")
    if binding is None:
        return None
    form_id = ctx.dom_id("form")
    booking = ctx.is_role(r, "booking", "booking")
    fields = [_reference_select(ctx, r, _input(form_id, f)) for f in r.fields]
    if ctx.is_role(r, "main", "tags"):
        fields.append({"id": f"{form_id}-tags", "name": "tags", "label": ctx.text("form.tags"),
                       "type": "tags", "input_type": "text", "required": False, "maxlength": 500})
    return UiNode(type="form", binding=binding, props={
        "id": form_id, "title": _add_title(ctx, r), "resource": r.plural, "fields": fields,
        "submit_label": ctx.text("form.book" if booking and r.entity not in VERB_BOOKING_NAMES else "form.save"),
        "feature": "booking" if booking else None,
        "conflict_message": _conflict(ctx) if booking else None,
    }, children=_outcome(ctx, "form.save_failed"))


def _conflict(ctx: _Ctx) -> str:
    """What a booking form says when the slot is taken (the backend answers 409)."""
    thing = ctx.role("thing")
    if thing is None:
        return ctx.text("form.booking_conflict_slot")
    if ctx.spec.roles.capacity_field:  # a place in a session: it is full, or the person has one already
        return ctx.text("form.booking_conflict_session", thing=thing.label)
    return ctx.text("form.booking_conflict", thing=thing.label)


# ---- overview ---------------------------------------------------------------------------------------

def _numeric(resources: list[ResourceSpec]) -> tuple[ResourceSpec, str] | None:
    for r in resources:
        for f in r.fields:
            if f.type in ("float", "int"):
                return r, f.name
    return None


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
            "id": ctx.dom_id("kpi"), "resource": r.plural,
            "label": ctx.text("kpi.total", field=in_sentence(field, ctx.spec.language), items=ctx.items(r)),
            "metric": "sum", "field": field}))
    return cards


def _chart(ctx: _Ctx) -> UiNode | None:
    """Counts from /api/stats when the plan has charts; otherwise grouped from the list in the page."""
    main = resource_by_name(ctx.spec, ctx.spec.roles.target("charts"))
    query = ctx.spec.roles.chart
    refers = None
    if ctx.has("charts") and main is not None and query is not None:
        r, field, title = main, None, _chart_title(ctx, main, query)
        stats = urlencode(query.params())
        # "Totals per customer": bars named by the customers, not by their ids.
        refers = ctx.referred(main, query.by) if query.by else None
    else:
        stats = None
        r, field = _numeric(ctx.spec.resources) or (ctx.spec.resources[0], None)
        title = (ctx.text("chart.field_by_name", items=heading(r), field=field) if field
                 else ctx.text("chart.count_by_name", items=heading(r)))
    binding = ctx.binding(f"{r.plural}.list")
    if binding is None:
        return None
    return UiNode(type="chart", binding=binding, children=_states(ctx, ctx.items(r)), props={
        "id": ctx.dom_id("chart"), "kind": "bar", "title": title, "resource": r.plural, "field": field,
        "stats_query": stats,
        "refers": refers.plural if refers else None, "refers_label": shown_field(refers) if refers else None,
    })


def _chart_title(ctx: _Ctx, r: ResourceSpec, query: ChartQuery) -> str:
    """"Expenses: total amount by category and month", in the UI's language."""
    def label(name: str) -> str:
        return in_sentence(_label_of(r, name).lower(), ctx.spec.language)

    groups = [*([label(query.by)] if query.by else []),
              *([ctx.text(f"chart.period.{query.period}")] if query.period else [])]
    group = ctx.text("chart.and", first=groups[0], second=groups[1]) if len(groups) == 2 else groups[0]
    if query.measure and query.value:
        return ctx.text(f"chart.{query.measure}", items=heading(r), value=label(query.value), field=group)
    return ctx.text("chart.by", items=heading(r), field=group)


# ---- feature panels ---------------------------------------------------------------------------------

def _cart(ctx: _Ctx) -> UiNode | None:
    priced = ctx.role("priced")
    if priced is None or not ctx.has("checkout"):
        return None
    return UiNode(type="cart", props={"id": ctx.dom_id("cart"), "title": ctx.text("cart.title"),
                                      "resource": priced.plural},
                  children=[UiNode(type="empty_state", props={"message": ctx.text("cart.empty"), "state": "idle"}),
                            *_outcome(ctx, "cart.checkout_failed", "cart.order_placed")])


def _comments(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    if not ctx.works_on(r, "comments"):
        return None
    return UiNode(type="comments", props={"id": ctx.dom_id("comments"), "title": ctx.text("comments.title"),
                                          "resource": r.plural, "entity": r.label},
                  children=_states(ctx, ctx.text("noun.comments"), idle=True) + [UiNode(
                      type="success_state", props={"message": ctx.text("comments.added")})])


def _attachments(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    if not (ctx.works_on(r, "file_upload") or ctx.works_on(r, "media_gallery")):
        return None
    return UiNode(type="attachments", props={"id": ctx.dom_id("attachments"), "title": ctx.text("attachments.title"),
                                             "resource": r.plural, "entity": r.label,
                                             # a gallery alone asks for pictures: the file picker offers them
                                             "images_only": not ctx.works_on(r, "file_upload")},
                  children=_states(ctx, ctx.text("noun.attachments"), idle=True) + [UiNode(
                      type="success_state", props={"message": ctx.text("attachments.uploaded")})])


def _notifications(ctx: _Ctx) -> UiNode | None:
    if not ctx.has("notifications"):
        return None
    return UiNode(type="notifications", props={"id": ctx.dom_id("notifications"),
                                               "title": ctx.text("notifications.title")},
                  children=_states(ctx, ctx.text("noun.notifications")))


def _auth(ctx: _Ctx) -> UiNode | None:
    if not ctx.has("accounts"):
        return None
    return UiNode(type="auth", props={"id": ctx.dom_id("auth"), "title": ctx.text("auth.title")},
                  children=_outcome(ctx, "auth.sign_in_failed", "auth.signed_in"))


def _contact(ctx: _Ctx, *, always: bool = False) -> UiNode | None:
    if not (always or ctx.has("contact_form")):
        return None
    return UiNode(type="contact_form", props={"id": "contact", "title": ctx.text("landing.contact_heading"),
                                              "lead": ctx.text("landing.contact_lead")},
                  children=_outcome(ctx, "contact.send_failed", "contact.sent"))


def _board(ctx: _Ctx, r: ResourceSpec) -> UiNode | None:
    """The records in one column per listed value of a status-like field ("columns To do, Doing, Done"): a
    board whose cards move with their "Move to" select (a PUT of the record with the new value)."""
    board_fields = set(site_data()["board_fields"])
    field = next((f for f in r.fields if f.choices and f.name in board_fields), None)
    binding, update = ctx.binding(f"{r.plural}.list"), ctx.binding(f"{r.plural}.update")
    if field is None or binding is None or update is None:
        return None
    board_id = ctx.dom_id("board")
    return UiNode(type="board", binding=binding, children=_states(ctx, ctx.items(r)), props={
        "id": board_id, "title": ctx.text("board.title", label=field.label), "resource": r.plural,
        "field": field.name, "label_field": text_field(r), "update_operation": update.operation,
        "columns": [{"id": f"{board_id}-{i}", "value": value} for i, value in enumerate(field.choices or [])],
        "move_label": ctx.text("board.move"),
    })


def _resource_page(ctx: _Ctx, r: ResourceSpec) -> list[UiNode | None]:
    # Charts asked for in a project without an overview page ("an expense tracker with monthly totals in
    # a chart") stand on the main resource's page, above its table.
    charted = ctx.works_on(r, "charts") and not any(
        p.kind == "overview" for p in site_pages(ctx.spec))
    return [_chart(ctx) if charted else None, _board(ctx, r), _data_table(ctx, r), _form(ctx, r),
            _cart(ctx) if ctx.is_role(r, "priced", "checkout") else None, _comments(ctx, r), _attachments(ctx, r)]


def _overview(ctx: _Ctx) -> list[UiNode | None]:
    chart = _chart(ctx) if ctx.has("charts") or ctx.spec.archetype in ("dashboard", "ml") else None
    main = ctx.role("main") or ctx.spec.resources[0]
    return [*_kpis(ctx), chart, _data_table(ctx, main)]


def _page_tree(ctx: _Ctx, page: SitePage) -> list[UiNode]:
    ctx.counter = 0
    nav = UiNode(type="navigation", props={
        "label": ctx.text("page.nav_primary"),
        "links": [link.model_dump() for link in nav_links(ctx.spec, page.slug, True)]})
    if page.kind == "overview":
        body = _overview(ctx)
    elif page.kind == "cart":
        body = [_cart(ctx)]
    else:
        body = _resource_page(ctx, resource_by_name(ctx.spec, page.resource) or ctx.spec.resources[0])
    nodes = [nav, *body, _auth(ctx)]
    return [node for node in nodes if node is not None]


# ---- the main page ----------------------------------------------------------------------------------

def _own_or_default(prefix: str, key: str) -> str:
    """``prefix.key`` when the catalogue has a text of its own for ``key``, else ``prefix.default``."""
    return f"{prefix}.{key}" if has_text(f"{prefix}.{key}") else f"{prefix}.default"


def _hero(spec: ProjectSpec) -> UiNode:
    lead = text(_own_or_default("hero", spec.archetype), spec.language, label=spec.title)
    return UiNode(type="hero", props={"title": spec.title, "lead": lead})


def _landing_sections(spec: ProjectSpec) -> list[UiNode]:
    lang = spec.language
    features = [{"title": display(label),
                 "text": text(_own_or_default("landing.feature", key), lang, label=display(label))}
                for key, label in zip(spec.feature_keys, _feature_labels(spec), strict=True)]
    entities = [{"title": heading(r), "text": text("landing.entity_text", lang, label=in_sentence(r.label, lang))}
                for r in spec.resources if r.entity]
    sections = [("features", "landing.features_heading", features), ("covers", "landing.entities_heading", entities)]
    return [UiNode(type="content_section", props={"id": key, "title": text(title, lang), "cards": cards})
            for key, title, cards in sections if cards]


def _feature_labels(spec: ProjectSpec) -> list[str]:
    return [feature_label(key, spec.language) for key in spec.feature_keys]


def _default_main(ctx: _Ctx) -> list[UiNode | None]:
    spec = ctx.spec
    pages = [{"label": p.label, "href": f"pages/{p.slug}.html"} for p in site_pages(spec)]
    return [
        UiNode(type="page_list", props={"title": ctx.text("main.pages"), "pages": pages}) if pages else None,
        UiNode(type="feature_list", props={"title": ctx.text("main.features"), "features": spec.features})
        if spec.features else None,
    ]


def _api_table(ctx: _Ctx) -> UiNode:
    labels = {r.name: r.label for r in ctx.spec.resources}
    service = ctx.text("main.service")
    rows = [{"resource": labels.get(e.resource, service), "method": e.method, "path": e.path}
            for e in ctx.by_operation.values()]
    return UiNode(type="api_table", props={"title": ctx.text("main.api"), "rows": rows})


def main_tree(spec: ProjectSpec, endpoints: list[Endpoint] | None = None) -> list[UiNode]:
    """The main page (index.html) for the plan's archetype: the game, the chat, the landing page's
    content, or an entry page to the resource pages."""
    ctx = _Ctx(spec, endpoints if endpoints is not None else endpoints_of(spec.resources))
    body: list[UiNode | None]
    if spec.archetype == "game":
        body = [UiNode(type="game", props={"id": "game", "leaderboard": ctx.has("leaderboard")},
                       children=_outcome(ctx, "game.score_save_failed", "game.score_saved"))]
    elif spec.archetype == "chat":
        body = [UiNode(type="chat", props={"id": "chat", "room": "general"},
                       children=_states(ctx, ctx.text("noun.messages"), idle=True))]
    elif spec.archetype == "landing":
        body = [*_landing_sections(spec), _contact(ctx, always=True)]
    else:
        body = [*_default_main(ctx), _notifications(ctx), _contact(ctx), _api_table(ctx)]
    if spec.archetype in ("game", "chat"):
        body += [_notifications(ctx), _contact(ctx)]
    nodes = [_hero(spec), *body, _auth(ctx)]
    return [node for node in nodes if node is not None]


# ---- rendering --------------------------------------------------------------------------------------

def _render(spec: ProjectSpec, page: UiPage) -> str:
    nav = page.components[0].props["links"]
    return render_html("ui/page.html.j2", title=spec.title, page_title=display(page.name), prefix="../",
                       nav=nav, page=page, **shell_flags(spec), **template_text(spec.language))


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
    pages = [UiPage(name=page.label, slug=page.slug, path=f"frontend/pages/{page.slug}.html",
                    components=_page_tree(ctx, page))
             for page in site_pages(spec)]
    root = reset_agent(workspace, AGENT)
    files = write_files(root, {page.path: _render(spec, page) for page in pages})
    return UiResult(
        applicable=True, root=str(root), pages=pages, files=files,
        components_generated=sum(node.count() for page in pages for node in page.components),
    )
