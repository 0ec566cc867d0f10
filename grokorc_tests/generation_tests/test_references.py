"""A field named like another entity refers to its records: "loans with book, member and due date" plans
book_id and member_id, the loan form picks a book and a member by name, and the loans table shows their
names, not their ids."""

from __future__ import annotations

import httpx

from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.serve import served_project
from grokorc_tests.generation_tests.plans import LIBRARY


def test_a_field_named_like_an_entity_refers_to_it() -> None:
    plan = infer_plan(LIBRARY)
    loan = {f.name: f.type for f in plan.fields["loan"]}
    assert loan["book_id"] == "int" and loan["member_id"] == "int" and "book" not in loan and "member" not in loan
    # A booking's thing named as a field is its reference, once.
    clinic = infer_plan("Clinic app: patients with name and phone, appointments with patient, doctor and time.")
    names = [f.name for f in clinic.fields["appointment"]]
    assert names.count("patient_id") == 1 and "patient" not in names
    # A field that names no other entity stays a field.
    assert {f.name for f in infer_plan("Books with title, author and year").fields["book"]} >= {"title", "author"}


def test_the_form_and_table_name_the_referred_records(generated) -> None:
    loans = (generated("library").project / "frontend" / "pages" / "loans.html").read_text()
    assert 'name="book_id"' in loans and 'data-options="books"' in loans and 'data-options="members"' in loans
    assert 'data-field="book_id" data-refers="books" data-refers-label="title"' in loans


def test_a_user_lends_a_book_in_chromium(generated, browser) -> None:
    gen = generated("library")
    with served_project(gen.project) as app:
        httpx.post(f"{app.url}/api/books", json={"title": "Dune", "author": "Herbert"}).raise_for_status()
        httpx.post(f"{app.url}/api/members", json={"name": "Ada", "email": "ada@example.org"}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/loans.html")
        page.get_by_label("Name (required)").fill("Summer loan")
        page.get_by_label("Book (required)").select_option(label="Dune")
        page.get_by_label("Member (required)").select_option(label="Ada")
        page.locator("input[name=due_date]").fill("2026-12-24T10:00")
        page.get_by_role("button", name="Save").click()
        row = page.locator("tbody tr").filter(has_text="Summer loan")
        row.wait_for()
        cells = row.locator("td").all_inner_texts()
        assert "Dune" in cells and "Ada" in cells
        loan = httpx.get(f"{app.url}/api/loans").json()[0]
        book = httpx.get(f"{app.url}/api/books").json()[0]
        assert loan["book_id"] == book["id"]
        context.close()
        assert errors == []


def test_a_record_a_verb_creates_gets_its_page_with_both_pickers(tmp_path) -> None:
    # "members borrow books": a loans page whose form picks a book and a member.
    from grokorc_assets.generation import generate_backend, generate_frontend, infer_ui

    plan = infer_plan("A library where members borrow books. Books have title and author; members have name.")
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    ui = infer_ui(plan, tmp_path, backend)
    loans = next(p for p in ui.pages if p.slug == "loans")
    page = (tmp_path / "agents" / "ui" / loans.path).read_text()
    assert 'data-options="books"' in page and 'data-options="members"' in page


def test_a_user_rents_a_bike_and_a_clash_is_refused_in_words_in_chromium(generated, browser) -> None:
    # "customers rent bikes by the hour": the rental is the booking; it picks a bike and a customer.
    with served_project(generated("bikes").project) as app:
        httpx.post(f"{app.url}/api/bikes", json={"name": "Red tandem"}).raise_for_status()
        httpx.post(f"{app.url}/api/customers", json={"name": "Ada"}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/rentals.html")

        def rent(name: str, start: str, end: str) -> None:
            page.get_by_label("Name (required)").fill(name)
            page.get_by_label("Bike (required)").select_option(label="Red tandem")
            page.get_by_label("Customer (required)").select_option(label="Ada")
            page.locator("input[name=start]").fill(start)
            page.locator("input[name=end]").fill(end)
            page.get_by_role("button", name="Book").click()

        rent("Saturday ride", "2026-12-05T10:00", "2026-12-05T12:00")
        row = page.locator("tbody tr").filter(has_text="Saturday ride")
        row.wait_for()
        assert {"Red tandem", "Ada"} <= set(row.locator("td").all_inner_texts())
        rent("Clash", "2026-12-05T11:00", "2026-12-05T13:00")
        alert = page.locator('form [data-state="error"] [data-message]').filter(has_text="already booked")
        alert.wait_for()
        assert alert.inner_text().strip() == "That bike is already booked at that time."
        assert [r["name"] for r in httpx.get(f"{app.url}/api/rentals").json()] == ["Saturday ride"]
        context.close()
        assert errors == []
