"""Offline backend generator: a FastAPI CRUD service (or, for ``cli`` plans, an argparse program),
each with its own pytest suite that covers it.
"""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation.models import FieldSpec, GenerationResult, ResourceSpec
from grokorc_assets.generation.render import render, reset_agent, write_files
from grokorc_assets.generation.spec import ProjectSpec, endpoints_of, project_spec
from grokorc_assets.generation.stacks import substitutions
from grokorc_assets.models import Plan, Stack

AGENT = "backend"
API_STACK = Stack(backend=["fastapi"], database=["sqlite"])
CLI_STACK = Stack(backend=["python"], database=["json-file"])
# Run from the project root: backend/pyproject.toml configures pytest (pythonpath) and coverage.
TEST_COMMAND = ["-m", "coverage", "run", "--rcfile=pyproject.toml", "-m", "pytest", "-q", "tests"]


def _payloads(resource: ResourceSpec) -> tuple[dict, dict, dict]:
    """(valid body, required-only body, field -> invalid value) for the generated API tests."""
    valid = {f.name: f.example for f in resource.fields}
    required = {f.name: f.example for f in resource.fields if f.required}
    invalid = {f.name: f.invalid for f in resource.fields}
    return valid, required, invalid


def _cli_invalid(field: FieldSpec) -> list[str] | None:
    # Command-line values are always strings, so "wrong type" means "does not parse" or out of range.
    bad = {"email": "not-an-email", "float": "-1", "int": "abc"}.get(field.type)
    if field.type == "str":
        bad = "" if field.required else "x" * 2001
    return None if bad is None else [f"--{field.name.replace('_', '-')}", bad]


def _cli_add_args(resource: ResourceSpec) -> list[str]:
    args: list[str] = []
    for f in resource.fields:
        flag = f"--{f.name.replace('_', '-')}"
        args += [flag] if f.type == "bool" else [flag, str(f.example)]
    return args


def _api_files(spec: ProjectSpec) -> dict[str, str]:
    ctx = {"title": spec.title, "resources": spec.resources, "env": spec.env, "is_cli": False}
    files = {
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
        valid, required, invalid = _payloads(r)
        files[f"backend/tests/test_{r.plural}.py"] = render(
            "backend/test_resource.py.j2", r=r, valid=valid, required=required, invalid=invalid)
    return files


def _cli_files(spec: ProjectSpec) -> dict[str, str]:
    ctx = {"title": spec.title, "resources": spec.resources, "env": spec.env, "is_cli": True,
           "prog": spec.slug}
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
        files[f"backend/tests/test_{r.plural}.py"] = render(
            "cli/test_resource.py.j2", r=r, add_args=_cli_add_args(r), invalid_args=invalid)
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
        endpoints=[] if spec.is_cli else endpoints_of(spec.resources),
        resources=spec.resources,
        env=spec.env,
        port=None if spec.is_cli else spec.port,
        test_command=TEST_COMMAND,
        test_cwd="backend",
    )
