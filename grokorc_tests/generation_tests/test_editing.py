"""A record is changed where it is listed: each row's Edit fills the resource's form with the row, the form
saves with PUT and goes back to adding records. "Agents are assigned tickets": a ticket is opened with no
agent (the reference is optional) and assigned one later, through Edit."""

from __future__ import annotations

import httpx

from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.serve import served_project
from grokorc_tests.generation_tests.plans import HELPDESK


def test_an_assigned_reference_is_optional_and_the_others_are_not() -> None:
    fields = {f.name: f for f in infer_plan(HELPDESK).fields["ticket"]}
    assert fields["agent_id"].optional and not fields["customer_id"].optional


def test_the_tables_rows_open_in_the_form_to_be_changed(generated) -> None:
    page = (generated("helpdesk").project / "frontend" / "pages" / "tickets.html").read_text()
    assert 'data-update-operation="tickets.update"' in page
    # The agent is picked by name, and may be left out; the customer must be picked.
    assert 'name="agent_id" data-type="int" data-options="agents" data-options-label="name">' in page
    assert 'name="customer_id" data-type="int" data-options="customers" data-options-label="name" required>' in page


def test_a_user_opens_a_ticket_and_assigns_it_later_in_chromium(generated, browser) -> None:
    with served_project(generated("helpdesk").project) as app:
        httpx.post(f"{app.url}/api/agents", json={"name": "Alice"}).raise_for_status()
        httpx.post(f"{app.url}/api/customers", json={"name": "Carla"}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/tickets.html")
        form = page.locator('form[data-resource="tickets"]')
        form.get_by_label("Subject (required)").fill("Printer broken")
        form.get_by_label("Customer (required)").select_option(label="Carla")
        form.get_by_role("button", name="Save").click()
        row = page.locator("tbody tr").filter(has_text="Printer broken")
        row.wait_for()
        [ticket] = httpx.get(f"{app.url}/api/tickets").json()
        assert ticket["agent_id"] is None

        row.get_by_role("button", name="Edit Printer broken").click()
        heading = page.get_by_role("heading", name="Edit Printer broken")
        assert heading.count() == 1
        assert form.get_by_label("Subject (required)").input_value() == "Printer broken"
        form.get_by_label("Agent").select_option(label="Alice")
        form.get_by_label("Priority").select_option("high")
        form.get_by_role("button", name="Save changes").click()
        page.locator("tbody tr").filter(has_text="Alice").wait_for()

        [changed] = httpx.get(f"{app.url}/api/tickets").json()
        assert changed["id"] == ticket["id"] and changed["priority"] == "high"
        assert changed["agent_id"] == httpx.get(f"{app.url}/api/agents").json()[0]["id"]
        # Saved: the form adds records again, and the next one is a new ticket.
        assert form.get_by_role("button", name="Save").inner_text() == "Save"
        assert form.locator('[data-action="cancel-edit"]').count() == 0
        form.get_by_label("Subject (required)").fill("Screen flickers")
        form.get_by_label("Customer (required)").select_option(label="Carla")
        form.get_by_role("button", name="Save").click()
        page.locator("tbody tr").filter(has_text="Screen flickers").wait_for()
        assert len(httpx.get(f"{app.url}/api/tickets").json()) == 2
        context.close()
        assert errors == []


def test_cancel_leaves_the_record_as_it_was_in_chromium(generated, browser) -> None:
    with served_project(generated("library").project) as app:
        httpx.post(f"{app.url}/api/books", json={"title": "Dune", "author": "Herbert"}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{app.url}/pages/books.html")
        row = page.locator("tbody tr").filter(has_text="Dune")
        row.wait_for()
        row.get_by_role("button", name="Edit Dune").click()
        form = page.locator('form[data-resource="books"]')
        form.get_by_label("Title (required)").fill("Dune Messiah")
        form.get_by_role("button", name="Cancel").click()
        assert form.get_by_label("Title (required)").input_value() == ""
        assert [b["title"] for b in httpx.get(f"{app.url}/api/books").json()] == ["Dune"]
        context.close()
