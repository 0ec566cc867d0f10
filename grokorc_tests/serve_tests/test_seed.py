"""Seeding through the app's own API: a generated backend (real templates) and an app with accounts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from grokorc_assets.generation import generate_backend, generate_frontend, merge_agents
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.sandbox import bwrap_usable
from grokorc_assets.serve import served_project
from grokorc_assets.serve.seed import SeedField, sample_value, seed_sample_data
from grokorc_tests.generation_tests.plans import dashboard
from grokorc_tests.serve_tests.apps import write_project

pytestmark = pytest.mark.skipif(not bwrap_usable()[0], reason="bwrap sandbox not usable here")


def test_generated_backend_gets_distinct_records_per_resource(tmp_path: Path) -> None:
    plan = dashboard()
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    project = merge_agents(tmp_path)
    resources = [r.model_dump(mode="json") for r in backend.resources]
    assert resources
    with served_project(project) as app:
        report = seed_sample_data(app.url, resources, per_resource=3)
        listed = {r["plural"]: httpx.get(f"{app.url}/api/{r['plural']}", timeout=10).json() for r in resources}
    assert not report.authenticated
    assert [(o.resource, o.created, o.errors) for o in report.resources] == [
        (r["plural"], 3, []) for r in resources]
    for plural, records in listed.items():
        assert len(records) == 3, plural
        bodies = [{k: v for k, v in rec.items() if k != "id"} for rec in records]
        assert len({repr(sorted(b.items())) for b in bodies}) == 3, f"{plural} records do not differ: {bodies}"


def test_records_are_seeded_after_those_they_refer_to(tmp_path: Path) -> None:
    # The backend refuses a loan of a book that does not exist: given loans first, books are seeded first.
    plan = infer_plan("Lending library: members borrow books; books with title and author")
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    project = merge_agents(tmp_path)
    resources = [r.model_dump(mode="json") for r in reversed(backend.resources)]
    loans = resources[0]
    assert loans["references"] == {"book_id": "books", "member_id": "members"}
    with served_project(project) as app:
        report = seed_sample_data(app.url, resources, per_resource=3)
        books = httpx.get(f"{app.url}/api/books", timeout=10).json()
        lent = httpx.get(f"{app.url}/api/{loans['plural']}", timeout=10).json()
    assert all(o.created == 3 and not o.errors for o in report.resources), report
    assert sorted(loan["book_id"] for loan in lent) == sorted(book["id"] for book in books)  # one loan each


def test_an_app_with_accounts_is_seeded_with_a_bearer_token(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", auth=True)
    resources = [{"plural": "notes", "fields": [{"name": "title", "type": "str", "example": "Hello"},
                                                {"name": "stars", "type": "int", "example": 4}]}]
    with served_project(project) as app:
        anonymous = httpx.post(f"{app.url}/api/notes", json={"title": "x"}, timeout=10)
        report = seed_sample_data(app.url, resources, per_resource=2)
        notes = httpx.get(f"{app.url}/api/notes", timeout=10).json()
    assert anonymous.status_code == 401
    assert report.authenticated and report.seeded("notes") and report.created == 2
    assert [(n["title"], n["stars"]) for n in notes] == [("Hello", 4), ("Hello 2", 5)]


def test_failures_are_reported_not_raised(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", auth=True)
    with served_project(project) as app:
        # Under a prefix the app does not have, neither /openapi.json nor the resources exist.
        report = seed_sample_data(app.url + "/nowhere", [{"plural": "notes", "fields": []}], per_resource=2)
    assert report.created == 0 and len(report.resources[0].errors) == 2
    assert report.notes  # says why it went on without an account


@pytest.mark.parametrize(("kind", "example", "second"), [
    ("str", "Alpha", "Alpha 2"), ("email", "ana@example.com", "ana2@example.com"), ("int", 3, 4),
    ("float", 9.5, 11.0), ("bool", True, False), ("datetime", "2024-01-02T03:04:05", "2024-01-03T03:04:05"),
])
def test_sample_values_vary_by_type(kind: str, example: object, second: object) -> None:
    field = SeedField(name="f", type=kind, example=example)
    assert sample_value(field, 0) == example
    assert sample_value(field, 1) == second
