"""A field whose values the request listed ("priority (low, medium, high)") takes only those: the form and
the filter offer them in a select, the API refuses any other value, a user picks one in Chromium; a
status-like one ("columns To do, Doing, Done") lays the records out as a board whose cards move."""

from __future__ import annotations

import ast
import re

import httpx

from grokorc_assets.generation import generate_backend, generate_frontend, infer_ui
from grokorc_assets.models import EntityField, Plan, Stack
from grokorc_assets.serve import served_project


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_the_form_and_the_filter_offer_the_listed_values(generated) -> None:
    gen = generated("desk")
    tickets = (gen.project / "frontend" / "pages" / "tickets.html").read_text()
    assert _options(tickets, "priority") == ["low", "medium", "high"]
    assert _options(tickets, "status") == ["open", "in progress", "closed"]
    by_status = re.search(r'<select id="[^"]*-by" data-param="status">(.*?)</select>', tickets, re.S)
    assert by_status and re.findall(r'<option value="([^"]*)"', by_status.group(1)) == ["", "open", "in progress",
                                                                                       "closed"]


def test_the_api_takes_only_the_listed_values(generated) -> None:
    with served_project(generated("desk").project) as app:
        # "customers open tickets": each ticket is a customer's
        customer = httpx.post(f"{app.url}/api/customers", json={"name": "Carla"}).json()["id"]
        made = httpx.post(f"{app.url}/api/tickets", json={"subject": "Printer jammed", "customer_id": customer})
        assert made.status_code == 201 and made.json()["priority"] == "low"  # the first listed value
        urgent = {"subject": "Server down", "priority": "high", "status": "in progress", "customer_id": customer}
        assert httpx.post(f"{app.url}/api/tickets", json=urgent).json()["status"] == "in progress"
        refused = httpx.post(f"{app.url}/api/tickets", json={"subject": "x", "priority": "urgent"})
        assert refused.status_code == 422 and any("priority" in e["loc"] for e in refused.json()["detail"])
        found = httpx.get(f"{app.url}/api/tickets", params={"status": "in progress"}).json()
        assert [t["subject"] for t in found] == ["Server down"]


def test_a_user_files_an_urgent_ticket_in_chromium(generated, browser) -> None:
    with served_project(generated("desk").project) as app:
        httpx.post(f"{app.url}/api/customers", json={"name": "Carla"}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/tickets.html")
        page.get_by_label("Subject (required)").fill("Server down")
        page.get_by_label("Priority").select_option("high")
        page.get_by_label("Customer (required)").select_option(label="Carla")
        page.get_by_role("button", name="Save").click()
        row = page.locator("tbody tr").filter(has_text="Server down")
        row.wait_for()
        assert "high" in row.locator("td").all_inner_texts()
        assert httpx.get(f"{app.url}/api/tickets").json()[0]["priority"] == "high"
        context.close()
        assert errors == []


def test_listed_values_are_data_in_the_generated_code(tmp_path) -> None:
    # Values reach Python as literals and HTML escaped, whatever a planner (an LLM's) put in them.
    hostile = ['<script>alert(1)</script>', '"); import os; ("', "{{7*7}}"]
    plan = Plan(archetype="crud", confidence=0.9, has_ui=True, stack=Stack(frontend=["vanilla"]),
                entities=["ticket"], features=[],
                fields={"ticket": [EntityField(name="subject"), EntityField(name="mood", choices=hostile)]})
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    ui = infer_ui(plan, tmp_path, backend)
    models = next(tmp_path.rglob("backend/app/models.py")).read_text()
    ast.parse(models)
    assert "Literal['<script>alert(1)</script>', '\"); import os; (\"', '{{7*7}}']" in models
    page = (tmp_path / "agents" / "ui" / next(p for p in ui.pages if p.slug == "tickets").path).read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_board_shows_one_column_per_listed_value_only_for_a_status_like_field(generated, tmp_path) -> None:
    cards = (generated("kanban").project / "frontend" / "pages" / "cards.html").read_text()
    assert re.findall(r'class="board-column" data-value="([^"]*)"', cards) == ["To do", "Doing", "Done"]
    assert 'data-field="column"' in cards and 'data-update="cards.update"' in cards
    plan = Plan(archetype="crud", confidence=0.9, has_ui=True, stack=Stack(frontend=["vanilla"]),
                entities=["ticket"], features=[],
                fields={"ticket": [EntityField(name="subject"), EntityField(name="priority", choices=["low", "high"])]})
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    ui = infer_ui(plan, tmp_path, backend)
    page = (tmp_path / "agents" / "ui" / next(p for p in ui.pages if p.slug == "tickets").path).read_text()
    assert 'data-component="board"' not in page  # a priority is no column of work


def test_a_user_moves_a_card_across_the_board_in_chromium(generated, browser) -> None:
    with served_project(generated("kanban").project) as app:
        for title in ("Design flyer", "Print posters"):
            card = {"title": title, "due_date": "2026-12-24T10:00:00"}
            httpx.post(f"{app.url}/api/cards", json=card).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/cards.html")
        board = page.locator('[data-component="board"]')
        todo, doing = board.locator('[data-value="To do"]'), board.locator('[data-value="Doing"]')
        todo.locator("li").filter(has_text="Print posters").wait_for()
        assert todo.locator("[data-count]").inner_text() == "2"
        page.get_by_label("Move to: Print posters").select_option("Doing")
        doing.locator("li").filter(has_text="Print posters").wait_for()
        assert todo.locator("[data-count]").inner_text() == "1" and doing.locator("[data-count]").inner_text() == "1"
        moved = {c["title"]: c["column"] for c in httpx.get(f"{app.url}/api/cards").json()}
        assert moved == {"Design flyer": "To do", "Print posters": "Doing"}
        # The table on the same page follows the move.
        page.locator("tbody tr").filter(has_text="Print posters").filter(has_text="Doing").wait_for()
        context.close()
        assert errors == []
