"""The generated UI takes the plan's shape: a game is a canvas, a chat talks over a WebSocket, a landing
page is content and a contact form, a shop searches and checks out, a booking picks times."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grokorc_tests.generation_tests.archetype_plans import HOSTILE_LABEL, build


def _matches(attrs: dict[str, str | None], wanted: dict[str, str]) -> bool:
    """keyword -> attribute (data_role -> data-role, class_ -> class); "" only asks for presence."""
    for key, value in wanted.items():
        name = key.rstrip("_").replace("_", "-")
        if name not in attrs or (value != "" and attrs[name] != value):
            return False
    return True


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent

    def has(self, name: str) -> bool:
        return name in self.attrs

    def within(self, **attrs: str) -> bool:
        node = self.parent
        while node is not None:
            if _matches(node.attrs, attrs):
                return True
            node = node.parent
        return False


class Page(HTMLParser):
    VOID = {"meta", "link", "input", "br", "img", "hr", "line", "rect"}

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.text = path.read_text(encoding="utf-8")
        self.feed(self.text)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1] if self.stack else None)
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs), self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.elements if (tag is None or e.tag == tag) and _matches(e.attrs, attrs)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            cache[name] = build(name, tmp_path_factory.mktemp(f"arch-{name}"))
        return cache[name]

    return get


def pages_of(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_game_main_page_is_a_playable_canvas(site):
    root = site("game")
    index = Page(root / "index.html")
    [canvas] = index.find("canvas", id="game")
    assert canvas.attrs["data-feature"] == "game" and canvas.attrs["tabindex"] == "0"
    assert index.find(data_role="score") and index.find("button", data_action="restart")
    assert not index.find("table") and not index.find(data_component="data_table") and not index.find("form")
    assert '<script src="game.js" defer></script>' in index.text
    game = (root / "game.js").read_text()
    for key in ("ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", 'key === " "'):
        assert key in game, key
    assert "setInterval(step" in game and "saveScore" in game
    # Leaderboard: the score is posted and the top scores read back, as the contract says.
    assert index.find(data_feature="leaderboard") and index.find("ol", data_score_list="")
    api = (root / "api.js").read_text()
    assert 'request("POST", "/api/scores"' in api and '"/api/scores" + query({ sort: "-score"' in api
    # A game has one page: the nav lists home only, and no resource pages exist.
    assert not (root / "pages").exists()
    assert [a.attrs["href"] for a in index.find("a") if a.within(class_="site-nav")] == ["index.html"]


def test_game_without_leaderboard_calls_no_score_api(site):
    root = site("game_alone")
    index = Page(root / "index.html")
    assert index.find("canvas", id="game") and not index.find(data_feature="leaderboard")
    assert "/api/scores" not in (root / "api.js").read_text()


def test_chat_has_rooms_history_and_a_websocket_client(site):
    root = site("chat")
    index = Page(root / "index.html")
    [chat] = index.find(data_feature="chat")
    assert chat.attrs["data-default-room"] == "general"
    assert index.find("input", name="room") and index.find("input", name="author")
    assert index.find("textarea", name="body") and index.find("ol", data_message_list="")
    api, app = (root / "api.js").read_text(), (root / "app.js").read_text()
    assert '"/api/messages" + query({ room: room })' in api
    assert 'socketUrl("/ws/" + encodeURIComponent(room))' in api
    assert '"wss:" : "ws:"' in api and "global.location.host" in api
    assert "new WebSocket(url)" in app and "JSON.stringify({ author: author, body: body })" in app
    assert index.find(data_feature="notifications")
    # The chat is the main page: "rooms" and "conversation" would repeat it; "settings" gets the rooms.
    assert sorted(p.name for p in (root / "pages").glob("*.html")) == ["settings.html"]


def test_landing_is_content_and_a_contact_form(site):
    root = site("landing")
    index = Page(root / "index.html")
    [form] = index.find("form", data_feature="contact_form")
    names = {e.attrs.get("name"): e.tag for e in index.elements if e.within(data_feature="contact_form")}
    assert names["name"] == "input" and names["email"] == "input" and names["message"] == "textarea"
    assert index.find("input", name="email")[0].attrs["type"] == "email"
    assert index.find(data_state="success") and index.find("h1")
    assert 'request("POST", "/api/contact", data)' in (root / "api.js").read_text()
    assert "Keep every workshop organised" in index.text and "contact form" in index.text.lower()
    assert not index.find("table") and not (root / "pages").exists()
    assert index.find("button", data_action="toggle-theme")


def test_bookshop_searches_and_checks_out_the_priced_resource(site):
    root = site("bookshop")
    page = Page(root / "pages/books.html")
    [table] = page.find(data_component="data_table")
    assert table.attrs["data-resource"] == "books" and table.attrs["data-cart"] == "price"  # the money field
    search = page.find("input", data_param="q")
    assert search and search[0].attrs["type"] == "search" and search[0].within(data_resource="books")
    assert page.find("select", data_param="sort") and page.find(data_feature="filters")
    assert page.find(data_feature="csv_export")[0].attrs["href"] == "/api/books/export.csv"
    [cart] = page.find(data_feature="checkout")
    assert cart.attrs["data-resource"] == "books" and page.find("button", data_action="checkout")
    assert page.find(data_feature="comments") and page.find(data_feature="accounts")
    api, app = (root / "api.js").read_text(), (root / "app.js").read_text()
    assert 'return request("GET", "/api/books" + query(params))' in api  # ?q= goes to the backend
    assert 'request("POST", "/api/checkout", { items: items })' in api
    assert '"/api/books/{id}/comments"' in api and '"/api/stats/books" + query(params)' in api
    assert 'init.headers.Authorization = "Bearer " + bearer' in api
    assert 'params[input.getAttribute("data-param")]' in app and "err.status === 409" in app
    assert 'data-action", "add-to-cart"' in app and "data-record-id" in app
    assert 'Number(row[priceField])' in app and "row.price" not in app  # the cart reads the plan's money field
    # The cart page shows the cart; the order table carries no cart of its own.
    assert Page(root / "pages/cart.html").find(data_feature="checkout")
    assert not Page(root / "pages/orders.html").find(data_feature="checkout")


def test_nav_lists_each_page_once(site):
    root = site("bookshop")
    for path in pages_of(root):
        page = Page(path)
        labels = [a.attrs["href"] for a in page.find("a") if a.within(class_="nav-list")]
        assert len(labels) == len(set(labels)), path
    index = Page(root / "index.html")
    hrefs = [a.attrs["href"] for a in index.find("a") if a.within(class_="nav-list")]
    # "home" and "Home" are the main page; "book" repeats "books"; "checkout" repeats "cart".
    assert hrefs == ["index.html", "pages/books.html", "pages/cart.html", "pages/orders.html"]
    assert index.text.count(">Home</a>") == 1 and ">home</a>" not in index.text


def test_booking_form_picks_times_and_the_booked_thing(site):
    root = site("booking")
    [path] = [p for p in pages_of(root) if Page(p).find("form", data_feature="booking")]
    page = Page(path)
    kinds = {e.attrs["name"]: e.attrs.get("type") for e in page.find("input") if e.within(data_feature="booking")}
    assert kinds["start"] == "datetime-local" and kinds["end"] == "datetime-local"
    [select] = page.find("select", name="room_id")
    assert select.attrs["data-options"] == "rooms"
    [form] = page.find("form", data_feature="booking")
    assert "already booked" in form.attrs["data-conflict-message"]
    app = (root / "app.js").read_text()
    assert 'value.length === 16 ? value + ":00"' in app  # datetime-local has no seconds


def test_states_start_hidden_and_features_are_marked(site):
    for name in ("game", "chat", "landing", "bookshop", "booking"):
        for path in pages_of(site(name)):
            page = Page(path)
            states = [e for e in page.elements if e.has("data-state")]
            assert states or path.name == "index.html", path
            for element in states:
                assert element.attrs["data-state"] in ("loading", "empty", "idle", "error", "success"), path
                assert element.has("hidden"), (path, element.attrs)
            for element in page.find("table"):
                assert element.within(data_component="data_table") or element.within(class_="panel")


@pytest.mark.parametrize("name", ["hostile_landing", "hostile_shop"])
def test_hostile_labels_stay_escaped(site, name):
    root = site(name)
    assert pages_of(root)
    for path in pages_of(root):
        text = path.read_text()
        assert "<script>alert" not in text and "<img" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
        assert "onerror=alert" not in text.replace("&#34;&gt;&lt;img src=x onerror=alert(2)&gt;", ""), path
    for script in root.glob("*.js"):
        text = script.read_text()
        assert "<script" not in text and "<img" not in text, script
        assert subprocess.run(["node", "--check", str(script)], capture_output=True, check=False).returncode == 0


def test_hostile_label_reaches_js_only_as_escaped_json(site):
    api = (site("hostile_shop") / "api.js").read_text()
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in api
    assert HOSTILE_LABEL not in api


@pytest.mark.parametrize("name", ["game", "chat", "landing", "bookshop", "booking"])
def test_javascript_parses(site, name):
    for script in site(name).glob("*.js"):
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, (script.name, result.stderr)
