"""Every generated page in real Chromium, backend absent: no errors, no overflow, accessible shell."""

from __future__ import annotations

import subprocess

import pytest

from grokorc_tests.generation_tests.browser_util import XSS_HOOK, html_pages, visit
from grokorc_tests.generation_tests.plans import UI_PLANS


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    context.add_init_script(XSS_HOOK)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("name", sorted(set(UI_PLANS) - {"hostile"}))
def test_pages_render_clean_at_375(generated, page, name):
    gen = generated(name)
    pages = html_pages(gen.project)
    assert len(pages) == 1 + len(gen.ui.pages)  # index + one per plan page
    for path in pages:
        for width in (375, 1280):
            seen = visit(page, path, width)
            assert seen.console_errors == [] and seen.page_errors == [], (path, seen)
            probe = seen.probe
            assert probe["scrollWidth"] <= probe["innerWidth"], (path.name, width, probe)
            assert probe["lang"] == "en"
            assert probe["h1"] == 1
            assert (probe["header"], probe["nav"], probe["main"], probe["footer"]) == (1, 1, 1, 1)
            assert probe["skipTarget"]
            assert probe["unlabelled"] == []
            assert probe["imagesWithoutAlt"] == 0 and probe["svgWithoutName"] == 0


def test_backend_absent_shows_error_state_not_crash(generated, page):
    gen = generated("dashboard")
    seen = visit(page, gen.project / "frontend/pages/orders.html", 375)
    assert "Could not load orders." in seen.text
    assert "not reachable" in seen.text
    assert "API status: offline" in seen.text
    assert page.locator("[data-state=error]:not([hidden])").count() >= 1
    assert page.locator("tbody tr").count() == 0


def test_form_fields_have_labels_and_types(generated, page):
    gen = generated("ecommerce")
    visit(page, gen.project / "frontend/pages/customers.html", 375)
    customer = next(r for r in gen.backend.resources if r.name == "customer")
    kinds = {"str": "text", "email": "email", "int": "number", "float": "number", "datetime": "datetime-local",
             "bool": "checkbox"}
    for field in customer.fields:
        required = field.required and field.type != "bool"
        control = page.get_by_label(field.label + (" (required)" if required else ""), exact=True)
        if field.type == "text":
            assert control.evaluate("el => el.tagName") == "TEXTAREA"
        else:
            assert control.get_attribute("type") == kinds[field.type], field
        assert (control.get_attribute("required") is not None) == required, field
    assert page.get_by_label("Name (required)").get_attribute("required") is not None
    assert page.get_by_label("Filter customers").get_attribute("type") == "search"


def test_javascript_parses_in_node(generated):
    gen = generated("awkward_crud")
    for script in ("api.js", "app.js"):
        result = subprocess.run(["node", "--check", str(gen.project / "frontend" / script)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


def test_frontend_not_applicable_without_ui(generated):
    for name in ("api", "cli"):
        gen = generated(name)
        assert gen.frontend.applicable is False and gen.frontend.files == []
        assert "no user interface" in gen.frontend.reason
        assert not (gen.project / "frontend").exists()


def test_frontend_substitution_is_explained(generated):
    gen = generated("dashboard")
    assert gen.frontend.generated.frontend == ["vanilla"]
    assert [s.reason for s in gen.frontend.substitutions] == [
        "react recommended; offline templates generate vanilla JS (static HTML, no build step)"]
