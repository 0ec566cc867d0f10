"""Offline backend generator: a FastAPI CRUD service (or, for ``cli`` plans, an argparse program),
each with its own pytest suite that covers it.
"""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation.models import FieldSpec, GenerationResult, ResourceSpec
from grokorc_assets.generation.render import render, reset_agent, write_files
from grokorc_assets.generation.site import resource_by_name
from grokorc_assets.generation.spec import (
    ProjectSpec,
    endpoints_of,
    feature_endpoints,
    project_spec,
    reference_field,
    text_field,
)
from grokorc_assets.generation.stacks import substitutions
from grokorc_assets.generation.ui_text import text
from grokorc_assets.models import EntityField, Plan, Stack
from grokorc_assets.planning.acceptance import LISTED_VALUES, feature_field

AGENT = "backend"
API_STACK = Stack(backend=["fastapi"], database=["sqlite"])
CLI_STACK = Stack(backend=["python"], database=["json-file"])
# Run from the project root: backend/pyproject.toml configures pytest (pythonpath) and coverage.
TEST_COMMAND = ["-m", "coverage", "run", "--rcfile=pyproject.toml", "-m", "pytest", "-q", "tests"]


# Feature key -> the generated module that implements it (app/features/<module>.py). Features absent
# here need no module of their own: search, sort, filters, pagination and tags live in every list route.
FEATURE_MODULES = {"accounts": "accounts", "checkout": "checkout", "booking": "booking", "comments": "comments",
                   "ratings": "ratings", "votes": "votes", "chat": "chat", "charts": "stats",
                   "csv_export": "csv_export", "notifications": "notifications", "realtime": "realtime",
                   "contact_form": "contact_form", "file_upload": "attachments", "media_gallery": "attachments"}
ROLE_CONTEXT = ("main", "priced", "booking", "thing", "booker", "message", "score")


def feature_modules(spec: ProjectSpec) -> list[str]:
    """Modules in install order: accounts first, since it decides who may write; realtime before chat, so
    /ws/updates is matched before the chat's /ws/{room} takes every name."""
    wanted = [FEATURE_MODULES[f] for f in spec.feature_keys if f in FEATURE_MODULES]
    return sorted(dict.fromkeys(wanted), key=lambda m: (m != "accounts", m != "realtime", wanted.index(m)))


def _role_resources(spec: ProjectSpec) -> dict[str, ResourceSpec | None]:
    by_name = {r.name: r for r in spec.resources}
    return {role: by_name.get(getattr(spec.roles, role) or "") for role in ROLE_CONTEXT}


def _samples(spec: ProjectSpec) -> dict:
    return {
        "valid": {r.plural: _payloads(r)[0] for r in spec.resources},
        "text_field": {r.plural: text_field(r) for r in spec.resources},
        "datetime_fields": {r.plural: [f.name for f in r.fields if f.type == "datetime"] for r in spec.resources},
        "references": {r.plural: r.references for r in spec.resources if r.references},
    }


def _acceptance_context(spec: ProjectSpec) -> dict:
    """What test_acceptance.py.j2 needs beyond the criteria: the field each criterion works on."""
    by_entity = {r.entity: r for r in spec.resources}
    fields, indexes, seen = {}, {}, {}
    plan_fields = {r.entity: [_entity_field(f) for f in r.fields] for r in spec.resources}
    for c in spec.acceptance:
        indexes[c.id] = seen.get(c.feature, 0)
        seen[c.feature] = indexes[c.id] + 1
        if c.entity in by_entity and c.feature == LISTED_VALUES:
            # The n-th such criterion of an entity is about its n-th field with listed values.
            listed = [f for f in by_entity[c.entity].fields if f.choices]
            nth = sum(1 for d in spec.acceptance[:spec.acceptance.index(c)]
                      if d.feature == LISTED_VALUES and d.entity == c.entity)
            fields[c.id] = listed[nth] if nth < len(listed) else None
        elif c.entity in by_entity:
            fields[c.id] = feature_field(c.feature, c.entity, plan_fields,
                                         getattr(spec.roles, f"{c.feature}_field", None))
    return {"api_criteria": [c for c in spec.acceptance if c.verify == "api" and
                             (c.entity is None or c.entity in by_entity)],
            "by_entity": by_entity, "fields": fields, "indexes": indexes,
            "first": spec.resources[0], "features": spec.feature_keys, "chart": _chart_context(spec)}


def _chart_context(spec: ProjectSpec) -> dict | None:
    """The charts criterion's query, and three records that fall in more than one group with different
    numbers (a text or listed group field alternates, the measured number grows)."""
    query, main = spec.roles.chart, resource_by_name(spec, spec.roles.target("charts"))
    if query is None or main is None:
        return None
    fields = {f.name: f for f in main.fields}
    by, measured = fields.get(query.by or ""), fields.get(query.value or "") if query.measure else None
    changes: list[dict] = [{}, {}, {}]
    for i, change in enumerate(changes):
        if by is not None and by.choices:
            change[by.name] = by.choices[i % len(by.choices)]
        elif by is not None and by.type == "str":
            change[by.name] = f"group {'AB'[i % 2]}"
        if measured is not None:
            change[measured.name] = (i + 1) * 7 if measured.type == "int" else (i + 1) * 7.5
    return {"params": query.params(), "changes": changes, "by": query.by, "period": query.period and query.date,
            "measured": measured.name if measured else None, "average": query.measure == "average"}


def _entity_field(field: FieldSpec) -> EntityField:
    return EntityField(name=field.name, type=field.type, choices=field.choices)


def _payloads(resource: ResourceSpec) -> tuple[dict, dict, dict]:
    """(valid body, required-only body, field -> invalid value) for the generated API tests."""
    valid = {f.name: f.example for f in resource.fields}
    required = {f.name: f.example for f in resource.fields if f.required}
    invalid = {f.name: f.invalid for f in resource.fields}
    return valid, required, invalid


def _cli_invalid(field: FieldSpec) -> list[str] | None:
    # Command-line values are always strings, so "wrong type" means "does not parse" or out of range.
    bad = {"email": "not-an-email", "float": "-1", "int": "abc", "datetime": "not-a-date"}.get(field.type)
    if field.type in ("str", "text"):
        bad = "" if field.required else "x" * 5001
    return None if bad is None else [f"--{field.name.replace('_', '-')}", bad]


def _cli_add_args(resource: ResourceSpec) -> list[str]:
    args: list[str] = []
    for f in resource.fields:
        flag = f"--{f.name.replace('_', '-')}"
        args += [flag] if f.type == "bool" else [flag, str(f.example)]
    return args


def _feature_files(spec: ProjectSpec, ctx: dict) -> dict[str, str]:
    modules = feature_modules(spec)
    files = {"backend/app/features/__init__.py": render(
        "backend/features/init.py.j2", modules=modules, enabled=tuple(spec.feature_keys))}
    for module in modules:
        files[f"backend/app/features/{module}.py"] = render(f"backend/features/{module}.py.j2", **ctx)
    return files


def _record_feature_targets(spec: ProjectSpec) -> dict:
    """The resource comments, attachments, ratings and votes each work on (``commented``, ``attached``...), and
    the names of those that store a rating or a score (``rated``, ``voted``, read by models.py)."""
    by_name = {r.name: r for r in spec.resources}

    def on(feature: str) -> ResourceSpec | None:
        return by_name.get(spec.roles.target(feature) or "") if feature in spec.feature_keys else None

    rated, voted = on("ratings"), on("votes")
    return {"commented": on("comments"), "attached": on("file_upload") or on("media_gallery"), "rated_resource": rated,
            "voted_resource": voted, "rated": rated.name if rated else None, "voted": voted.name if voted else None}


def _api_files(spec: ProjectSpec) -> dict[str, str]:
    roles = _role_resources(spec)
    main = roles["main"]
    ctx = {"title": spec.title, "resources": spec.resources, "env": spec.env, "is_cli": False, **roles,
           "price_field": spec.roles.price_field, "stock_field": spec.roles.stock_field,
           "start_field": spec.roles.start_field, "end_field": spec.roles.end_field,
           "capacity_field": spec.roles.capacity_field,
           "thing_field": reference_field(roles["booking"], roles["thing"]),
           "booker_field": reference_field(roles["booking"], roles["booker"]),
           "accounts": "accounts" in spec.feature_keys,
           "tagged": main.name if main and "tags" in spec.feature_keys else None,
           **_record_feature_targets(spec),
           # The notifications feature's text reaches the UI: it is in the UI's language.
           "new_record": text("notifications.new_record", spec.language)}
    files = {
        **_feature_files(spec, ctx),
        "backend/tests/samples.py": render("backend/samples.py.j2", **_samples(spec)),
        "backend/tests/test_acceptance.py": render("backend/test_acceptance.py.j2", **ctx,
                                                   **_acceptance_context(spec)),
        "backend/app/__init__.py": render("backend/init.py.j2", **ctx),
        "backend/app/config.py": render("backend/config.py.j2", **ctx),
        "backend/app/models.py": render("backend/models.py.j2", **ctx),
        "backend/app/store.py": render("backend/store.py.j2", **ctx),
        "backend/app/main.py": render("backend/main.py.j2", **ctx),
        "backend/tests/__init__.py": "",
        "backend/tests/conftest.py": render("backend/conftest.py.j2", **ctx),
        "backend/tests/test_health.py": render("backend/test_health.py.j2", **ctx),
        "backend/requirements.txt": render("backend/requirements.txt.j2", **ctx),
        "backend/pyproject.toml": render("backend/pyproject.toml.j2", **ctx),
    }
    for r in spec.resources:
        _, required, invalid = _payloads(r)
        files[f"backend/tests/test_{r.plural}.py"] = render(
            "backend/test_resource.py.j2", r=r, required=required, invalid=invalid)
    if (stats := _stats_context(spec)) is not None:
        files["backend/tests/test_stats.py"] = render("backend/test_stats.py.j2", **stats)
    return files


def _stats_context(spec: ProjectSpec) -> dict | None:
    """The main resource's fields the stats tests group by, measure and date (None: no charts)."""
    main = resource_by_name(spec, spec.roles.target("charts"))
    if spec.roles.chart is None or main is None:
        return None
    numbers = [f.name for f in main.fields if f.type in ("int", "float") and not f.name.endswith("_id")]
    dates = [f.name for f in main.fields if f.type == "datetime"]
    by = spec.roles.chart.by
    group = by if by and by not in dates else text_field(main)  # a date field is no refused "not a date"
    return {"r": main, "group": group, "number": (numbers or [None])[0], "date": (dates or [None])[0]}


def _cli_files(spec: ProjectSpec) -> dict[str, str]:
    ctx = {"title": spec.title, "resources": spec.resources, "env": spec.env, "is_cli": True,
           "prog": spec.slug, "tagged": None, "rated": None, "voted": None}
    files = {
        "backend/app/__init__.py": render("backend/init.py.j2", **ctx),
        "backend/app/__main__.py": render("cli/main.py.j2", **ctx),
        "backend/app/cli.py": render("cli/cli.py.j2", **ctx),
        "backend/app/models.py": render("backend/models.py.j2", **ctx),
        "backend/app/store.py": render("cli/store.py.j2", **ctx),
        "backend/tests/__init__.py": "",
        "backend/tests/conftest.py": render("cli/conftest.py.j2", **ctx),
        "backend/tests/test_main.py": render("cli/test_main.py.j2", **ctx),
        "backend/requirements.txt": render("backend/requirements.txt.j2", **ctx),
        "backend/pyproject.toml": render("backend/pyproject.toml.j2", **ctx),
    }
    for r in spec.resources:
        invalid = {f.name: args for f in r.fields if (args := _cli_invalid(f))}
        text = text_field(r)
        files[f"backend/tests/test_{r.plural}.py"] = render(
            "cli/test_resource.py.j2", r=r, add_args=_cli_add_args(r), invalid_args=invalid, text=text,
            sample=next(f.example for f in r.fields if f.name == text))
    by_entity = {r.entity: r for r in spec.resources}
    files["backend/tests/test_acceptance.py"] = render(
        "cli/test_acceptance.py.j2", by_entity=by_entity,
        criteria=[c for c in spec.acceptance if c.verify == "cli" and c.entity in by_entity],
        texts={r.plural: text_field(r) for r in spec.resources},
        add_args={r.plural: _cli_add_args(r) for r in spec.resources})
    return files


def generate_backend(plan: Plan, workspace: Path, *, title: str | None = None) -> GenerationResult:
    """Write the backend into <workspace>/agents/backend/ and describe it."""
    spec = project_spec(plan, title)
    root = reset_agent(workspace, AGENT)
    generated = CLI_STACK if spec.is_cli else API_STACK
    files = _cli_files(spec) if spec.is_cli else _api_files(spec)
    return GenerationResult(
        agent=AGENT,
        root=str(root),
        files=write_files(root, files),
        recommended=plan.stack,
        generated=generated,
        substitutions=substitutions(plan.stack, generated, ("backend", "database")),
        endpoints=[] if spec.is_cli else [*endpoints_of(spec.resources), *feature_endpoints(spec)],
        resources=spec.resources,
        env=spec.env,
        port=None if spec.is_cli else spec.port,
        test_command=TEST_COMMAND,
        test_cwd="backend",
    )
