"""The generated backends: their own test suites, run for real under coverage, and their routes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grokorc_tests.generation_tests.plans import HOSTILE_TITLE

PLANS = ["dashboard", "expenses", "fundraiser", "ecommerce", "ecommerce_de", "ecommerce_es", "awkward_crud", "api",
         "cli", "hostile", "choir", "garden", "library"]


def run_generated_tests(project: Path, command: list[str], cwd: str) -> tuple[subprocess.CompletedProcess,
                                                                            dict]:
    """Run the project's own tests the way the coverage stage will: our interpreter, project cwd."""
    workdir = project / cwd
    result = subprocess.run([sys.executable, *command], cwd=workdir, capture_output=True, text=True,
                            check=False)
    report = workdir / "coverage.json"
    subprocess.run([sys.executable, "-m", "coverage", "json", "--rcfile=pyproject.toml", "-o", str(report)],
                   cwd=workdir, capture_output=True, check=True)
    return result, json.loads(report.read_text())


@pytest.mark.parametrize("name", PLANS)
def test_generated_tests_pass_with_coverage(generated, name):
    gen = generated(name)
    result, report = run_generated_tests(gen.project, gen.backend.test_command, gen.backend.test_cwd)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
    totals = report["totals"]
    line_percent = 100.0 * totals["covered_lines"] / totals["num_statements"]
    assert line_percent >= 95.0, report["totals"]
    measured = {Path(path).name for path in report["files"]}
    expected = {"main.py", "store.py", "models.py", "config.py"} if name != "cli" else {"cli.py", "store.py"}
    assert expected <= measured


def test_generated_tests_run_from_project_root(generated):
    """The brief's form: cwd = merged project, backend/ named on the command line."""
    gen = generated("dashboard")
    result = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--rcfile=backend/pyproject.toml", "-m", "pytest", "-q",
         "backend"], cwd=gen.project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    report = subprocess.run([sys.executable, "-m", "coverage", "report", "--rcfile=backend/pyproject.toml"],
                            cwd=gen.project, capture_output=True, text=True, check=False)
    assert report.returncode == 0, report.stdout  # fail_under = 95 in the generated config


# The OpenAPI document is FastAPI's public account of what it serves.
ROUTES = """
import json
from app.main import app
paths = app.openapi()["paths"]
print(json.dumps(sorted([m.upper(), p] for p, ops in paths.items() for m in ops)))
"""


@pytest.mark.parametrize("name", ["dashboard", "awkward_crud", "hostile"])
def test_declared_endpoints_are_the_served_routes(generated, name):
    gen = generated(name)
    out = subprocess.run([sys.executable, "-c", ROUTES], cwd=gen.project / "backend", capture_output=True,
                         text=True, check=True).stdout
    served = {tuple(item) for item in json.loads(out)}
    declared = {(e.method, e.path) for e in gen.backend.endpoints}
    assert served == declared
    assert ("GET", "/api/health") in served
    assert len(declared) == len(gen.backend.endpoints)  # each declared once
    crud = [e for e in gen.backend.endpoints if e.resource and e.operation.rsplit(".", 1)[-1] in
            ("list", "get", "create", "update", "delete") and e.operation.count(".") == 1]
    assert len(crud) == 5 * len(gen.backend.resources)


def test_hostile_title_survives_as_data_in_python(generated):
    gen = generated("hostile")
    code = "from app.main import TITLE, app; print(TITLE == app.title); print(TITLE)"
    out = subprocess.run([sys.executable, "-c", code], cwd=gen.project / "backend", capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == ["True", HOSTILE_TITLE]
    for path in (gen.project / "backend").rglob("*.py"):
        compile(path.read_text(), str(path), "exec")  # every generated module is valid Python


def test_no_entities_uses_default_item(generated):
    gen = generated("no_entities")
    assert [r.name for r in gen.backend.resources] == ["item"]
    assert {e.path for e in gen.backend.endpoints} == {"/api/health", "/api/items", "/api/items/{item_id}"}


def test_substitutions_explain_the_stack(generated):
    gen = generated("dashboard")
    assert gen.backend.generated.backend == ["fastapi"]
    reasons = [s.reason for s in gen.backend.substitutions]
    assert reasons == ["postgres recommended; offline templates generate SQLite"]
    cli = generated("cli")
    assert cli.backend.generated.backend == ["python"]
    assert cli.backend.endpoints == [] and cli.backend.port is None


def test_cli_program_runs_as_a_real_process(generated, tmp_path):
    backend = generated("cli").project / "backend"
    data = tmp_path / "notes.json"

    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "app", "--data", str(data), *argv], cwd=backend,
                              capture_output=True, text=True, check=False)

    added = cli("notes", "add", "--name", "<b>first</b>", "--description", "{{7*7}}")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["name"] == "<b>first</b>"
    assert json.loads(cli("notes", "show", "1").stdout)["description"] == "{{7*7}}"
    missing = cli("tags", "show", "9")
    assert missing.returncode == 1 and "tags 9 not found" in missing.stderr
    invalid = cli("notes", "add", "--name", "")
    assert invalid.returncode == 2 and "invalid name" in invalid.stderr
