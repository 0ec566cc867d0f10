"""Turn a Plan into a sanitised project spec shared by every generator.

Each agent runs in its own process and derives the same spec from the same plan, so the frontend's
``api.js`` and the backend's routes agree without the agents talking to each other. Every name that
reaches generated code is rebuilt from ``[a-z0-9_]`` here; the request's own spelling survives only
as a ``label`` that templates escape for their context.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from pydantic import BaseModel

from grokorc_assets.generation.models import Endpoint, FieldSpec, ResourceSpec
from grokorc_assets.generation.ui_text import has_text, text, ui_language
from grokorc_assets.models import AcceptanceCriterion, Plan

# One pluralisation for URLs and for the criteria that name them.
from grokorc_assets.planning.acceptance import (
    ENTITY_ROLES,
    FILE_FEATURES,
    MENTION_TARGETED,
    RECORD_FEATURES,
    Roles,
    chart_of,
    complete_plan,
    feature_roles,
    feature_table,
    singular,
)
from grokorc_assets.planning.charts import ChartQuery
from grokorc_assets.planning.plurals import plural

MAX_RESOURCES = 12
MAX_PAGES = 12
MAX_LABEL = 80
DEFAULT_ENTITY = "item"
BACKEND_PORT = 8000
FRONTEND_PORT = 8080
CLI_ARCHETYPES = frozenset({"cli"})
# Names the generated modules already use at top level or that would read badly as a resource.
RESERVED = frozenset({"app", "api", "health", "settings", "store", "main", "models", "config", "self"})

_IDENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class SpecRoles(BaseModel):
    """Which resource (by its safe ``name``) plays each role of the feature table; None when absent.
    With a priced resource, the fields (safe names) its checkout sells by and counts down."""

    main: str | None = None
    priced: str | None = None
    booking: str | None = None
    thing: str | None = None
    booker: str | None = None
    message: str | None = None
    score: str | None = None
    price_field: str | None = None  # "preis", "cost", "price"
    stock_field: str | None = None  # "quantity", "existencias", "stock"
    start_field: str | None = None  # the booking's start: "start_date", "fecha_de_entrada", "start"
    end_field: str | None = None  # the booking's end: "end_date", "fecha_de_salida", "end"
    capacity_field: str | None = None  # a session's places ("maximum", "plazas"): its bookings have no times
    # The resource a feature works on when the request named it with another than the main one.
    search: str | None = None
    sort: str | None = None
    filters: str | None = None
    pagination: str | None = None
    comments: str | None = None
    ratings: str | None = None
    votes: str | None = None
    charts: str | None = None
    # The fields a sort and a filter work on when the request named them (safe names).
    sort_field: str | None = None
    filters_field: str | None = None
    # What the charts ask /api/stats for (safe field names); None without the charts feature.
    chart: ChartQuery | None = None

    def target(self, feature: str) -> str | None:
        """The resource a main-resource feature works on ("rehearsals sorted by date": rehearsals,
        "comment on harvest logs": harvests)."""
        return (getattr(self, feature, None) if feature in MENTION_TARGETED else None) or self.main


class ProjectSpec(BaseModel):
    title: str
    slug: str
    # The UI's language (ui_text.LANGUAGES): the plan's, or English when the catalogue lacks it.
    language: str = "en"
    archetype: str
    is_cli: bool
    has_ui: bool
    resources: list[ResourceSpec]
    features: list[str]  # labels, display only
    feature_keys: list[str]  # keys of the feature table (data/features.yaml), for logic
    roles: SpecRoles = SpecRoles()
    acceptance: list[AcceptanceCriterion] = []
    pages: list[tuple[str, str]]  # (label, slug)
    port: int = BACKEND_PORT
    frontend_port: int = FRONTEND_PORT
    env: dict[str, str]


def label_of(text: str, limit: int = MAX_LABEL) -> str:
    """Display text: whitespace collapsed and bounded; escaping is the template's job."""
    collapsed = " ".join(str(text).split())
    return collapsed[:limit] or "untitled"


def snake(text: str) -> str:
    """Lower snake ASCII, or "" when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:40].strip("_")


def identifier(text: str, prefix: str = "entity") -> str:
    """A safe lower-snake identifier; never a keyword, never starting with a digit."""
    name = snake(text)
    if not name:
        return ""
    if name[0].isdigit() or keyword.iskeyword(name) or name in RESERVED:
        name = f"{prefix}_{name}"
    assert _IDENT_RE.match(name), name
    return name


def refers_to(field: str, target: ResourceSpec) -> bool:
    """Whether a field named ``field`` holds the id of a ``target`` record: "class_id" refers to the
    resource "entity_class" (made of the entity "class", a Python keyword), "book_id" to "book"."""
    return field in {f"{target.name}_id", identifier(f"{target.entity}_id", prefix="field")}


def reference_field(r: ResourceSpec | None, target: ResourceSpec | None) -> str | None:
    """The field of ``r`` that refers to ``target``'s records, if it has one."""
    if r is None or target is None:
        return None
    return next((f.name for f in r.fields if f.type == "int" and refers_to(f.name, target)), None)


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def kebab(text: str) -> str:
    return snake(text).replace("_", "-")


# Sample values by field name (what a person would type), then by type. Tests, forms and the
# visual stage's seed data use them; "invalid" is what the API must reject with 422.
_SAMPLES = {
    "title": "The Quiet Harbour", "name": "Harbour View", "author": "Ada Lovelace", "email": "ada@example.com",
    "body": "Hello everyone", "description": "A short description", "room": "general", "player": "ada",
    "category": "fiction", "status": "open", "city": "Lisbon", "address": "1 Main Street", "phone": "+1 555 0100",
    "phone_number": "+1 555 0100",
    "username": "ada", "genre": "fiction", "isbn": "978-0-00-000000-2", "location": "Lisbon",
}
_TYPE_SAMPLES = {"str": "Sample", "text": "A short note", "int": 3, "float": 19.5, "bool": True,
                 "email": "someone@example.com", "datetime": "2030-01-15T10:00:00"}
NOT_A_CHOICE = "none of the listed values"
MAX_CHOICES = 12
_INVALID = {"str": 123, "text": 123, "int": -5, "float": -1, "bool": "maybe", "email": "not-an-email",
            "datetime": "not-a-date"}


def _field_label(name: str, ident: str, language: str) -> str:
    """The request's spelling of a field; a field grokorc adds (name, price, start...) in the UI's language."""
    return text(f"field.{ident}", language) if has_text(f"field.{ident}") else name.replace("_", " ").capitalize()


def _field_spec(name: str, kind: str, required: bool, language: str = "en",
                choices: list[str] | None = None) -> FieldSpec:
    ident = identifier(name, prefix="field") or "field"
    choices = [label_of(c) for c in choices or []][:MAX_CHOICES] or None
    if choices and kind == "str":
        # One of the listed values, never required: a new record takes the first ("open").
        return FieldSpec(name=ident, label=label_of(_field_label(name, ident, language)), type=kind,
                         required=False, example=choices[0], invalid=NOT_A_CHOICE, choices=choices)
    example = _SAMPLES.get(ident, _TYPE_SAMPLES[kind]) if kind in ("str", "text") else _TYPE_SAMPLES[kind]
    if ident.endswith("_id") and kind == "int":
        example = 1
    if kind == "datetime" and _LATER & set(ident.split("_")):
        example = "2030-01-15T11:00:00"  # an end after the start, so bookings are valid
    invalid = "" if kind == "str" and required else _INVALID[kind]
    return FieldSpec(name=ident, label=label_of(_field_label(name, ident, language)), type=kind,
                     required=required, example=example, invalid=invalid)


# The words of a field that comes after another in time ("end_date", "fecha_de_salida"): its example is
# an hour later, so that a booking made of the examples ends after it starts.
_LATER = frozenset({"end", "until", "to", "checkout", "out", "finish", "ends", "return", "departure", "due",
                    "fin", "salida", "hasta", "ende", "bis", "abreise", "depart", "retour", "fim", "saida", "ate"})


def fields_of(plan: Plan, entity: str) -> list[FieldSpec]:
    """The plan's fields for ``entity``; the first text field is required (records need a name)."""
    out: list[FieldSpec] = []
    seen: set[str] = {"id"}
    first_text = True
    for field in plan.fields.get(entity, []):
        listed = field.type == "str" and bool(field.choices)  # a status names no record
        required = not field.optional and (field.type in ("float", "int", "datetime", "email")
                                           or (first_text and field.type == "str"))
        first_text = first_text and (field.type != "str" or listed)
        spec = _field_spec(field.name, field.type, required, plan.language, field.choices)
        if spec.name not in seen:
            seen.add(spec.name)
            out.append(spec)
    if not any(f.type == "str" and not f.choices for f in out):
        # Every record needs a short required text: what lists show, search finds and tests change.
        out.insert(0, _field_spec("name" if "name" not in seen else "title", "str", True, plan.language))
    return out


def text_field(resource: ResourceSpec) -> str:
    """The field that names a record: its first required short text."""
    return next(f.name for f in resource.fields if f.type == "str" and f.required and not f.choices)


def _derived(name: str, language: str = "en") -> set[str]:
    return {name, plural_identifier(name, language), f"{name}_input", f"{name}_record"}


def plural_identifier(name: str, language: str) -> str:
    """The plural as an identifier: URL segment, collection and JS names ("reuniões" -> "reunioes")."""
    return identifier(plural(name, language)) or f"{name}_items"


def _taken(name: str, seen: set[str], language: str) -> bool:
    return bool(_derived(name, language) & seen)


def _unescaped(name: str) -> str:
    """A name identifier() escaped ("entity_class") as it was, for its plural: the API serves /api/classes,
    as the plan's criteria say, since a plural is never a keyword."""
    bare = name.removeprefix("entity_")
    return bare if bare != name and (keyword.iskeyword(bare) or bare in RESERVED) else name


def resources_of(plan: Plan) -> list[ResourceSpec]:
    """Sanitised, de-duplicated resources; the default entity when the plan names none."""
    raw = plan.entities or [DEFAULT_ENTITY]
    language = plan.language
    seen: set[str] = set()
    out: list[ResourceSpec] = []
    for entity in raw:
        name = identifier(entity)
        # The planner names entities in the singular of their own language; English rules would turn
        # a Spanish "mes" or a German "kurs" into something else.
        name = (singular(name) if language == "en" else name) or f"entity_{len(out) + 1}"
        name = identifier(name) or f"entity_{len(out) + 1}"
        base, n = name, 2
        # Class names are <Camel>Input/<Camel>Record: "order" and "order_input" must not meet.
        while _taken(name, seen, language):
            name, n = f"{base}_{n}", n + 1
        seen.update(_derived(name, language))
        many = plural_identifier(_unescaped(name), language)
        out.append(ResourceSpec(
            name=name, plural=many, label=label_of(entity.replace("_", " ")), class_name=camel(name),
            js_name=camel(many), fields=fields_of(plan, entity), entity=entity,
        ))
        if len(out) == MAX_RESOURCES:
            break
    return without_cycles([r.model_copy(update={"references": references_of(r, out)}) for r in out])


def references_of(r: ResourceSpec, resources: list[ResourceSpec]) -> dict[str, str]:
    """Field -> the plural of the other resource whose records it names ("book_id" -> "books")."""
    return {f.name: target.plural for f in r.fields if f.type == "int"
            for target in resources if target.name != r.name and refers_to(f.name, target)}


def without_cycles(resources: list[ResourceSpec]) -> list[ResourceSpec]:
    """The resources with no chain of references that comes back where it started (a team names its
    captain, a player names its team): the first record of such a chain could never be created. The
    reference that closes the chain stays a plain number field."""
    by_plural = {r.plural: r for r in resources}
    kept: dict[str, dict[str, str]] = {r.plural: {} for r in resources}
    done: set[str] = set()

    def visit(plural: str, path: set[str]) -> None:
        if plural in done:
            return
        path.add(plural)
        for field, target in by_plural[plural].references.items():
            if target in path:
                continue  # closes a cycle
            kept[plural][field] = target
            visit(target, path)
        path.discard(plural)
        done.add(plural)

    for r in resources:
        visit(r.plural, set())
    return [r.model_copy(update={"references": kept[r.plural]}) for r in resources]


def endpoints_of(resources: list[ResourceSpec]) -> list[Endpoint]:
    """The REST surface the backend serves and api.js calls: one function per endpoint."""
    endpoints = [Endpoint(method="GET", path="/api/health", operation="health", js_function="health")]
    for r in resources:
        collection, item = f"/api/{r.plural}", f"/api/{r.plural}/{{item_id}}"
        endpoints += [
            Endpoint(method="GET", path=collection, operation=f"{r.plural}.list",
                     js_function=f"list{r.js_name}", resource=r.name),
            Endpoint(method="GET", path=item, operation=f"{r.plural}.get",
                     js_function=f"get{r.class_name}", resource=r.name),
            Endpoint(method="POST", path=collection, operation=f"{r.plural}.create",
                     js_function=f"create{r.class_name}", resource=r.name),
            Endpoint(method="PUT", path=item, operation=f"{r.plural}.update",
                     js_function=f"update{r.class_name}", resource=r.name),
            Endpoint(method="DELETE", path=item, operation=f"{r.plural}.delete",
                     js_function=f"delete{r.class_name}", resource=r.name),
        ]
    return endpoints


def _record_routes(spec: ProjectSpec) -> list[Endpoint]:
    """Comments, attachments, ratings and votes, each under the items of the resource it works on."""
    by_name = {r.name: r for r in spec.resources}
    routes = []
    files = next((f for f in FILE_FEATURES if f in spec.feature_keys), None)  # one module serves both
    for feature in RECORD_FEATURES:
        r = by_name.get(spec.roles.target(feature) or "") if feature in spec.feature_keys else None
        if feature in FILE_FEATURES and feature != files:
            continue
        if r is None:
            continue
        item = f"/api/{r.plural}/{{item_id}}"
        if feature == "comments":
            routes += [Endpoint(method="GET", path=f"{item}/comments", operation=f"{r.plural}.comments.list",
                                js_function=f"list{r.class_name}Comments", resource=r.name),
                       Endpoint(method="POST", path=f"{item}/comments", operation=f"{r.plural}.comments.create",
                                js_function=f"add{r.class_name}Comment", resource=r.name)]
        elif feature in FILE_FEATURES:
            files = f"{item}/attachments"
            routes += [Endpoint(method="GET", path=files, operation=f"{r.plural}.attachments.list",
                                js_function=f"list{r.class_name}Attachments", resource=r.name),
                       Endpoint(method="POST", path=files, operation=f"{r.plural}.attachments.create",
                                js_function=f"attachTo{r.class_name}", resource=r.name),
                       Endpoint(method="GET", path=f"{files}/{{attachment_id}}",
                                operation=f"{r.plural}.attachments.get",
                                js_function=f"download{r.class_name}Attachment", resource=r.name)]
        elif feature == "ratings":
            routes.append(Endpoint(method="POST", path=f"{item}/ratings", operation=f"{r.plural}.ratings.create",
                                   js_function=f"rate{r.class_name}", resource=r.name))
        else:
            routes.append(Endpoint(method="POST", path=f"{item}/votes", operation=f"{r.plural}.votes.create",
                                   js_function=f"vote{r.class_name}", resource=r.name))
    return routes


def feature_endpoints(spec: ProjectSpec) -> list[Endpoint]:
    """The HTTP routes the feature modules add (WebSockets are not endpoints of the REST surface)."""
    features = spec.feature_keys
    routes: list[Endpoint] = []
    if "accounts" in features:
        routes += [Endpoint(method="POST", path="/api/auth/register", operation="auth.register",
                            js_function="registerUser"),
                   Endpoint(method="POST", path="/api/auth/login", operation="auth.login", js_function="logIn")]
    if "checkout" in features and spec.roles.priced:
        routes.append(Endpoint(method="POST", path="/api/checkout", operation="checkout", js_function="checkout",
                               resource=spec.roles.priced))
    routes += _record_routes(spec)
    if "charts" in features:
        routes.append(Endpoint(method="GET", path="/api/stats/{plural}", operation="stats", js_function="statsOf"))
    if "csv_export" in features:
        routes += [Endpoint(method="GET", path=f"/api/{r.plural}/export.csv", operation=f"{r.plural}.export",
                            js_function=f"export{r.js_name}", resource=r.name) for r in spec.resources]
    if "notifications" in features:
        routes.append(Endpoint(method="GET", path="/api/notifications", operation="notifications.list",
                               js_function="listNotifications"))
    if "contact_form" in features:
        routes += [Endpoint(method="POST", path="/api/contact", operation="contact.create",
                            js_function="sendContactMessage"),
                   Endpoint(method="GET", path="/api/contact", operation="contact.list",
                            js_function="listContactMessages")]
    return routes


def pages_of(plan: Plan, resources: list[ResourceSpec]) -> list[tuple[str, str]]:
    """(label, file slug) per page; an overview plus one page per resource when the plan has none."""
    raw = plan.pages or ["overview", *[r.plural for r in resources]]
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for index, page in enumerate(raw[:MAX_PAGES], start=1):
        slug = kebab(page) or f"page-{index}"
        base, n = slug, 2
        while slug in seen or slug == "index":
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        out.append((label_of(page), slug))
    return out


def backend_env(is_cli: bool) -> dict[str, str]:
    """Environment the generated backend reads, with defaults; devops writes the same keys."""
    if is_cli:
        return {"APP_DATA_FILE": "data.json"}
    return {
        "APP_PORT": str(BACKEND_PORT),
        "APP_DATABASE_PATH": ":memory:",
        "APP_CORS_ORIGINS": "*",
        "APP_LOG_LEVEL": "info",
        "APP_STATIC_DIR": "",  # empty: the frontend/ folder beside the backend
        "APP_SECRET_KEY": "",  # empty: a random token key per process (sessions end on restart)
    }


def default_title(plan: Plan) -> str:
    first = plan.entities[0] if plan.entities else ""
    words = {"api": "API", "cli": "CLI", "ml": "ML"}
    kind = words.get(plan.archetype, plan.archetype.capitalize())
    return label_of(f"{first.capitalize()} {kind}".strip() if first else f"{kind} project")


def feature_label(key: str, language: str = "en") -> str:
    """A feature as the UI names it: the table's label in the UI's language; an unknown key as written."""
    known = feature_table().get(key)
    if known is None:
        return label_of(key.replace("_", " "))
    return label_of(text(f"feature.{key}", language) if has_text(f"feature.{key}") else known.label)


def spec_roles(plan: Plan, resources: list[ResourceSpec]) -> SpecRoles:
    """The planner's roles, mapped from plan entity names to the resources' safe names."""
    by_entity = {r.entity: r.name for r in resources}
    entities = [r.entity for r in resources]
    roles = Roles(**plan.roles) if plan.roles.get("main") else feature_roles(entities, plan.fields, plan.features)
    out = SpecRoles(**{role: by_entity.get(getattr(roles, role)) for role in ENTITY_ROLES})
    if out.priced:
        # Field names as fields_of makes them ("preço" -> "preco"); an older plan's are price and stock.
        out.price_field = identifier(roles.price, prefix="field") or "field"
        out.stock_field = identifier(roles.stock, prefix="field") or "field"
    if out.booking and roles.capacity_field and out.thing:
        out.capacity_field = identifier(roles.capacity_field, prefix="field") or "field"
    elif out.booking:
        out.start_field = identifier(roles.start, prefix="field") or "field"
        out.end_field = identifier(roles.end, prefix="field") or "field"
    for key in ("sort_field", "filters_field"):
        if getattr(roles, key):
            setattr(out, key, identifier(getattr(roles, key), prefix="field") or "field")
    if out.main and "charts" in plan.features:
        query = chart_of(roles, roles.target("charts"), plan.fields)
        out.chart = query.model_copy(update={
            key: identifier(name, prefix="field") or "field"
            for key in ("by", "value", "date") if (name := getattr(query, key))})
    return out


def project_spec(plan: Plan, title: str | None = None) -> ProjectSpec:
    """Deterministic: the same plan (and title) gives the same spec in every process."""
    # Plan has no title field yet; accept one from the caller and fall back to the archetype.
    plan = complete_plan(plan)
    title = label_of(title or getattr(plan, "title", None) or default_title(plan), 120)
    resources = resources_of(plan)
    is_cli = plan.archetype in CLI_ARCHETYPES
    language = ui_language(plan.language)
    return ProjectSpec(
        title=title,
        slug=kebab(title) or "project",
        language=language,
        archetype=plan.archetype,
        is_cli=is_cli,
        has_ui=plan.has_ui and not is_cli,
        resources=resources,
        features=[feature_label(f, language) for f in plan.features],
        feature_keys=[f for f in plan.features if f in feature_table()],
        roles=spec_roles(plan, resources),
        acceptance=plan.acceptance,
        pages=pages_of(plan, resources),
        env=backend_env(is_cli),
    )
