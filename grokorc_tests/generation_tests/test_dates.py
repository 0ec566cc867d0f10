"""Dates in a generated app's tables read as dates, in the page's language ("Oct 3, 2026, 10:00 AM",
"03.10.2026, 10:00"), not as the API's ISO text; what the API stores and an Edit fills stays ISO."""

from __future__ import annotations

import re

import httpx

from grokorc_assets.serve import served_project

ISO = "2026-10-03T10:00:00"


def row_cells(browser, url: str, text: str) -> list[str]:
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    row = page.locator("tbody tr").filter(has_text=text)
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    context.close()
    assert errors == []
    return cells


def test_an_english_table_shows_a_date_and_time_as_people_write_them(generated, browser) -> None:
    with served_project(generated("expenses").project) as app:
        httpx.post(f"{app.url}/api/expenses", json={"amount": 12.5, "date": ISO, "category": "food"}).raise_for_status()
        cells = row_cells(browser, f"{app.url}/pages/expenses.html", "food")
        assert "Oct 3, 2026, 10:00 AM" in cells and ISO not in cells, cells
        assert httpx.get(f"{app.url}/api/expenses").json()[0]["date"] == ISO


def test_a_german_table_shows_dates_the_german_way(generated, browser) -> None:
    gen = generated("chor")
    rehearsals = next(r for r in gen.backend.resources if any(f.type == "datetime" for f in r.fields))
    body = {f.name: f.example for f in rehearsals.fields}
    date_field = next(f.name for f in rehearsals.fields if f.type == "datetime")
    body[date_field] = ISO
    with served_project(gen.project) as app:
        httpx.post(f"{app.url}/api/{rehearsals.plural}", json=body).raise_for_status()
        cells = row_cells(browser, f"{app.url}/pages/{rehearsals.plural}.html", "2026")
        # The page's language, not the browser's (en-US above), decides: day.month.year, 24-hour clock.
        assert any(re.fullmatch(r"0?3\.10\.2026,? 10:00", cell) for cell in cells), cells
