"""A chart shows what the request asked for: "monthly totals per category" is the sum of the amounts of
each category in each month, from the API to the bars a user sees after adding records in Chromium."""

from __future__ import annotations

import re

import httpx

from grokorc_assets.serve import served_project

EXPENSES = [(12.5, "2026-10-03T10:00:00", "food"), (40.0, "2026-10-20T10:00:00", "rent"),
            (7.25, "2026-11-02T10:00:00", "food"), (30.0, "2026-11-15T10:00:00", "food")]


def test_the_plan_and_the_page_ask_for_monthly_totals_per_category(generated) -> None:
    gen = generated("expenses")
    assert gen.plan.roles["chart_by"] == "category" and gen.plan.roles["chart_period"] == "month"
    page = (gen.project / "frontend" / "pages" / "expenses.html").read_text()
    figure = re.search(r'<figure[^>]*data-component="chart"[^>]*>', page)
    assert figure, "the expenses page has no chart"
    assert 'data-stats-query="by=category&amp;sum=amount&amp;period=month&amp;date=date"' in figure.group(0)
    assert "Expenses: total amount by category and month" in page


def test_the_api_totals_amounts_per_category_and_month(generated) -> None:
    with served_project(generated("expenses").project) as app:
        for amount, date, category in EXPENSES:
            body = {"amount": amount, "date": date, "category": category}
            assert httpx.post(f"{app.url}/api/expenses", json=body).status_code == 201
        params = {"by": "category", "sum": "amount", "period": "month", "date": "date"}
        rows = httpx.get(f"{app.url}/api/stats/expenses", params=params).json()
        assert rows == [{"key": "rent", "period": "2026-10", "count": 1, "value": 40.0},
                        {"key": "food", "period": "2026-10", "count": 1, "value": 12.5},
                        {"key": "food", "period": "2026-11", "count": 2, "value": 37.25}]
        average = httpx.get(f"{app.url}/api/stats/expenses", params={"by": "category", "average": "amount"}).json()
        assert {r["key"]: r["value"] for r in average} == {"food": (12.5 + 7.25 + 30.0) / 3, "rent": 40.0}
        assert httpx.get(f"{app.url}/api/stats/expenses", params={"period": "month", "date": "category"}
                         ).status_code == 422


def test_a_user_adds_expenses_and_the_chart_shows_their_monthly_totals(generated, browser) -> None:
    with served_project(generated("expenses").project) as app:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/expenses.html")
        form = page.locator('form[data-component="form"]')
        for added, (amount, date, category) in enumerate(EXPENSES, start=1):
            form.get_by_label("Amount (required)").fill(str(amount))
            form.get_by_label("Date (required)").fill(date[:16])
            form.get_by_label("Category (required)").fill(category)
            form.get_by_role("button", name="Save").click()
            page.locator("tbody tr").nth(added - 1).wait_for()
        values = page.locator('figure[data-component="chart"] [data-values] li')
        values.filter(has_text="2026-11 · food: 37.25").wait_for(state="attached")
        assert values.all_text_contents() == ["2026-10 · rent: 40", "2026-10 · food: 12.5", "2026-11 · food: 37.25"]
        assert page.locator('figure[data-component="chart"] rect').count() >= 3
        context.close()
        assert errors == []


def test_bars_grouped_by_a_reference_are_named_by_the_referred_records(generated, browser) -> None:
    gen = generated("fundraiser")
    assert (gen.plan.roles["charts"], gen.plan.roles["chart_by"]) == ("donation", "donor_id")
    with served_project(gen.project) as app:
        ids = {name: httpx.post(f"{app.url}/api/donors", json={"name": name, "email": f"{name}@example.org"}
                                ).json()["id"] for name in ("Ada", "Grace")}
        for donor, amount in (("Ada", 10.0), ("Grace", 25.0), ("Ada", 5.5)):
            body = {"name": f"gift from {donor}", "amount": amount, "date": "2026-11-02T10:00:00",
                    "donor_id": ids[donor]}
            assert httpx.post(f"{app.url}/api/donations", json=body).status_code == 201
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{app.url}/pages/overview.html")
        values = page.locator('figure[data-component="chart"] [data-values] li')
        values.filter(has_text="Ada").wait_for(state="attached")
        assert values.all_text_contents() == ["Grace: 25", "Ada: 15.5"]
        context.close()
