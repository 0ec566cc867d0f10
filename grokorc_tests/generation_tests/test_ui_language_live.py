"""A Spanish request's generated app in real Chromium against its real backend (uvicorn): the Spanish
form saves, the Spanish list shows, searches and deletes, and the page says it is Spanish."""

from __future__ import annotations

import pytest

from grokorc_tests.generation_tests.browser_util import page_against, served_backend, visit

# The health line reads "Estado de la API: comprobando…" until app.js has asked the API.
SETTLED_ES = "document.querySelector('[data-health]').textContent.indexOf('comprobando') < 0"
# Braces and "$&" in a record's name stay literal in the messages that name it.
TITLE = "Cien años de soledad {name} $&"


@pytest.fixture(scope="module")
def live(generated):
    gen = generated("biblioteca")
    with served_backend(gen.project) as base:
        yield gen, base


@pytest.fixture
def page(browser, live):
    with page_against(browser, live[1]) as tab:
        yield tab


def test_a_spanish_page_saves_lists_searches_and_deletes(live, page):
    gen, _ = live
    seen = visit(page, gen.project / "frontend/pages/libros.html", 375, settled=SETTLED_ES)
    assert seen.probe["lang"] == "es" and seen.probe["unlabelled"] == []
    assert "Estado de la API: ok" in seen.text
    assert page.get_by_text("Aún no hay libros.").is_visible()
    for title, author in ((TITLE, "Gabriel García Márquez"), ("Rayuela", "Julio Cortázar")):
        page.get_by_label("Título (obligatorio)").fill(title)
        page.get_by_label("Autor", exact=True).fill(author)
        page.get_by_role("button", name="Guardar").click()
        page.get_by_role("status").filter(has_text="Guardado.").wait_for()
    rows = page.locator("tbody tr")
    page.wait_for_function("document.querySelectorAll('tbody tr').length === 2")
    assert page.get_by_label("Ordenar por").locator("option").first.inner_text() == "Orden predeterminado"
    page.get_by_label("Buscar Libros").fill("Rayuela")
    page.wait_for_function("document.querySelectorAll('tbody tr').length === 1")
    assert "Julio Cortázar" in rows.first.inner_text()
    page.get_by_label("Buscar Libros").fill("")
    page.wait_for_function("document.querySelectorAll('tbody tr').length === 2")
    page.get_by_role("button", name=f"Eliminar {TITLE}", exact=True).click()
    page.wait_for_function("document.querySelectorAll('tbody tr').length === 1")
    assert TITLE not in page.locator("tbody").inner_text()
    assert seen.console_errors == [] and seen.page_errors == [] and not page.evaluate("window.__xss")


def test_axe_finds_nothing_serious_on_a_spanish_page(live, page):
    from axe_playwright_python.sync_playwright import Axe

    gen, _ = live
    visit(page, gen.project / "frontend/pages/libros.html", 375, settled=SETTLED_ES)
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("critical", "serious")]
    assert serious == [], serious
