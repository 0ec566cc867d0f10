"""Hostile request text in title, entities, features and pages: rendered as text, never run."""

from __future__ import annotations

import pytest

from grokorc_tests.generation_tests.browser_util import XSS_HOOK, html_pages, visit
from grokorc_tests.generation_tests.plans import HOSTILE, HOSTILE_TITLE


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    context.add_init_script(XSS_HOOK)
    tab = context.new_page()
    yield tab
    context.close()


def test_hook_detects_a_real_injection(page, tmp_path):
    """The detector itself must be able to fail: an unescaped payload trips it."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><p data-health>x</p><img src=x onerror="alert(1)">')
    seen = visit(page, bad, 375)
    assert seen.xss or seen.dialogs


def test_no_script_runs_and_text_survives(generated, page):
    gen = generated("hostile")
    pages = html_pages(gen.project)
    assert len(pages) == 1 + 1 + len(HOSTILE)
    for path in pages:
        seen = visit(page, path, 375)
        assert not seen.xss and seen.dialogs == [], path.name
        assert seen.console_errors == [] and seen.page_errors == [], (path.name, seen)
        probe = seen.probe
        assert probe["scripts"] == [s for s in probe["scripts"] if s and s.endswith(("api.js", "app.js"))]
        assert len(probe["scripts"]) == 2
        assert probe["images"] == 0 and probe["eventHandlers"] == 0
        assert probe["scrollWidth"] <= probe["innerWidth"], (path.name, probe)
        # The hostile strings reached the page and show as literal text: escaped, not evaluated.
        assert HOSTILE_TITLE in seen.text
        for text in HOSTILE:
            assert text in seen.text, (path.name, text)
        assert "49" not in seen.text
    index = visit(page, gen.project / "frontend/index.html", 375)
    assert index.text.count("<script>alert(1)</script>") >= 3  # title, nav, page card, feature...


def test_page_titles_are_escaped(generated, page):
    gen = generated("hostile")
    visit(page, gen.project / "frontend/pages/img-src-x-onerror-alert-1.html", 375)
    assert page.title() == f'"><img src=x onerror=alert(1)> · {HOSTILE_TITLE}'
    assert page.locator("h1").inner_text() == '"><img src=x onerror=alert(1)>'
