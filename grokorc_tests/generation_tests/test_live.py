"""Generated frontend against the generated backend, both real: uvicorn + Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from grokorc_tests.generation_tests.browser_util import page_against, served_backend, visit

HOSTILE_NAME = '<img src=x onerror=alert(1)><script>alert(2)</script>{{7*7}}'


@pytest.fixture(scope="module")
def live(generated):
    gen = generated("dashboard")
    with served_backend(gen.project) as base:
        yield gen, base


@pytest.fixture
def page(browser, live):
    with page_against(browser, live[1]) as tab:
        yield tab


def test_form_creates_a_row_that_the_table_shows(live, page):
    gen, _ = live
    seen = visit(page, gen.project / "frontend/pages/orders.html", 375)
    assert "API status: ok" in seen.text
    assert page.locator("[data-state=empty]:not([hidden])").count() == 1
    page.get_by_label("Name (required)").fill(HOSTILE_NAME)
    page.get_by_label("Amount (required)").fill("12.5")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    row = page.locator("tbody tr").first
    row.wait_for()
    assert HOSTILE_NAME in row.inner_text()
    assert "12.5" in row.inner_text()
    assert page.evaluate("window.__xss") is False
    assert page.locator("tbody img, tbody script").count() == 0
    assert seen.console_errors == [] and seen.page_errors == []


def test_overview_fills_kpis_and_chart(live, page):
    gen, base = live
    import httpx

    httpx.post(f"{base}/api/orders", json={"name": "north", "amount": 30}).raise_for_status()
    # The chart counts the main entity (regions: orders are bookkeeping) grouped by a field.
    httpx.post(f"{base}/api/regions", json={"name": "north"}).raise_for_status()
    seen = visit(page, gen.project / "frontend/pages/overview.html", 375)
    page.wait_for_function("document.querySelectorAll('#chart-5 rect.bar, [data-bars] rect').length > 0")
    # The cards fetch on their own: the chart being drawn says nothing about them (wait for a number).
    count_value = page.locator("[data-resource=orders][data-component=kpi_card]:not([data-field]) [data-value]")
    total_value = page.locator("[data-component=kpi_card][data-field=amount] [data-value]")
    for value in (count_value, total_value):
        expect(value).to_have_text(re.compile(r"^\d"))
    count = int(count_value.inner_text())
    assert count >= 1
    total = float(total_value.inner_text())
    assert total >= 30
    assert page.locator("[data-state=error]:not([hidden])").count() == 0
    assert seen.console_errors == [] and seen.page_errors == [] and not seen.xss
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_validation_error_is_shown(live, page):
    gen, _ = live
    visit(page, gen.project / "frontend/pages/orders.html", 1280)
    page.get_by_label("Name (required)").fill("x")
    page.get_by_label("Amount (required)").fill("5")
    # Bypass the browser's own checks to see the API's 422 reach the user.
    page.evaluate("document.querySelector('form').noValidate = true")
    page.get_by_label("Amount (required)").fill("-3")
    page.get_by_role("button", name="Save").click()
    alert = page.locator("form [data-state=error]")
    alert.wait_for(state="visible")
    assert "amount" in alert.inner_text()
