"""Generated archetype pages in real Chromium, served over HTTP from 127.0.0.1 like the app serves them:
the game reacts to keys, the contact form and the theme toggle work, and axe finds nothing serious."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from grokorc_tests.generation_tests.archetype_plans import build
from grokorc_tests.generation_tests.browser_util import XSS_HOOK

CANVAS_PIXELS = "() => Array.from(document.getElementById('game').getContext('2d')" \
                ".getImageData(0, 0, 400, 400).data).join(',')"


# Lists that are not empty: a German shop's courses, priced in the request's own field.
ROWS = {"/api/kurse": [{"id": 1, "titel": "Yoga", "preis": 12.5, "stock": 3},
                       {"id": 2, "titel": "Pilates", "preis": 4.25, "stock": 9}]}


class Handler(SimpleHTTPRequestHandler):
    """Static files plus the few API answers the pages need: health, a list (empty unless in ROWS),
    contact -> 201."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.startswith("/api/"):
            path = self.path.split("?", 1)[0]
            self._json(200, {"status": "ok"} if path == "/api/health" else ROWS.get(path, []))
        else:
            super().do_GET()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._json(201 if self.path == "/api/contact" else 404, {"id": 1})

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """name -> base URL of that plan's frontend on a local server."""
    servers: dict[str, tuple[ThreadingHTTPServer, threading.Thread]] = {}

    def get(name: str) -> str:
        if name not in servers:
            root = build(name, tmp_path_factory.mktemp(f"served-{name}"))
            httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
            thread = threading.Thread(target=httpd.serve_forever, daemon=True)
            thread.start()
            servers[name] = (httpd, thread)
        return f"http://127.0.0.1:{servers[name][0].server_address[1]}"

    yield get
    for httpd, thread in servers.values():
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.add_init_script(XSS_HOOK)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def test_game_canvas_changes_on_keys_and_keeps_score(served, page):
    page.goto(served("game") + "/index.html")
    page.wait_for_function("document.querySelector('[data-health]').textContent.includes('ok')")
    canvas = page.locator("canvas#game")
    canvas.focus()
    before = page.evaluate(CANVAS_PIXELS)
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(50)
    after_arrow = page.evaluate(CANVAS_PIXELS)
    assert after_arrow != before
    page.keyboard.press("Space")  # pause: the overlay shows at once
    paused = page.evaluate(CANVAS_PIXELS)
    assert paused != after_arrow
    page.wait_for_timeout(300)
    assert page.evaluate(CANVAS_PIXELS) == paused  # nothing moves while paused
    assert page.locator("[data-role=score]").inner_text().isdigit()
    assert "Paused" in page.locator("[data-role=status]").inner_text()
    page.keyboard.press("Space")
    # Run into the wall: game over, and the score goes to the leaderboard.
    page.wait_for_function("document.querySelector('[data-role=status]').textContent.includes('Game over')",
                           timeout=10_000)
    assert page.evaluate("window.scrollY") == 0  # arrows and space did not scroll the page
    assert page.errors == [] and not page.evaluate("window.__xss")


def test_contact_form_and_theme_toggle(served, page):
    page.goto(served("landing") + "/index.html")
    form = page.locator("form[data-feature=contact_form]")
    assert page.locator("[data-state=success]").is_hidden()
    form.get_by_label("Name (required)").fill("Ada")
    form.get_by_label("Email (required)").fill("ada@example.com")
    form.get_by_label("Message (required)").fill("Hello")
    form.get_by_role("button", name="Send message").click()
    page.locator("form [data-state=success]").wait_for(state="visible")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.locator("[data-action=toggle-theme]").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.locator("[data-action=toggle-theme]").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.errors == []


def test_the_cart_adds_up_the_requests_own_money_field(served, page):
    page.goto(served("kursshop") + "/pages/kurse.html")
    table = page.locator("[data-component=data_table][data-resource=kurse]")
    assert table.get_attribute("data-cart") == "preis"
    # A row is named by its first text whatever the language calls it: "titel"; the shop speaks German.
    table.get_by_role("button", name="Yoga in den Warenkorb legen").click()
    table.get_by_role("button", name="Yoga in den Warenkorb legen").click()
    table.get_by_role("button", name="Pilates in den Warenkorb legen").click()
    total = page.locator("[data-feature=checkout][data-resource=kurse] [data-cart-total]")
    assert total.inner_text() == "Voraussichtliche Summe: 29.25"  # 2 x 12.50 + 4.25, read from preis
    assert page.errors == []


@pytest.mark.parametrize("name, path", [
    ("game", "/index.html"), ("chat", "/index.html"), ("landing", "/index.html"),
    ("bookshop", "/pages/books.html"), ("bookshop", "/pages/cart.html"), ("booking", "/pages/my-bookings.html"),
])
def test_axe_finds_no_violation_and_nothing_overflows(served, page, name, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(served(name) + path)
    page.wait_for_function("document.querySelector('[data-health]').textContent.includes('ok')")
    page.wait_for_timeout(200)  # tables filled, states settled
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    violations = Axe().run(page).response["violations"]
    # Every impact, moderate and minor included: a landmark named twice ("landmark-unique") once hid here.
    found = [(v["id"], v["impact"], [n["html"] for n in v["nodes"]][:3]) for v in violations]
    assert found == [], found
    for theme in ("dark",):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        contrast = [v["id"] for v in Axe().run(page).response["violations"] if v["id"] == "color-contrast"]
        assert contrast == [], (path, theme)
    assert page.errors == []
