"""The generated UI speaks the request's language: a Spanish request gets Spanish pages (buttons, labels,
states, the skip link, <html lang>) and Spanish messages in its scripts, a German one German; no English
chrome is left over. English stays the default (the other tests read it)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grokorc_assets.generation import generate_frontend, infer_ui, merge_agents
from grokorc_assets.generation.ui_text import LANGUAGES, catalogue, placeholders, script_text
from grokorc_assets.models import EntityField, Plan, Stack
from grokorc_tests.generation_tests.browser_util import html_pages

OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]
# Attributes people (and screen readers) get to read; data-conflict-message is shown by app.js.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-conflict-message")
# Each language's own words for a shop and a booking (the data is the request's; only chrome is checked).
WORDS = {
    "es": {"thing": "libro", "fields": ["titulo", "autor"], "price": "precio", "stock": "existencias",
           "person": "cliente", "name": "nombre", "room": "sala", "booking": "reserva", "guest": "invitado"},
    "de": {"thing": "buch", "fields": ["titel", "autor"], "price": "preis", "stock": "bestand",
           "person": "kunde", "name": "vorname", "room": "raum", "booking": "buchung", "guest": "gast"},
    "fr": {"thing": "livre", "fields": ["titre", "auteur"], "price": "prix", "stock": "quantite",
           "person": "client", "name": "nom", "room": "salle", "booking": "reservation", "guest": "invite"},
    "pt": {"thing": "livro", "fields": ["titulo", "autor"], "price": "preco", "stock": "estoque",
           "person": "cliente", "name": "nome", "room": "sala", "booking": "reserva", "guest": "hospede"},
}
SHOP_FEATURES = ["search", "sort", "filters", "pagination", "tags", "checkout", "comments", "ratings", "votes",
                 "charts", "csv_export", "accounts", "notifications", "dark_mode", "contact_form", "realtime"]


def _plan(language: str, archetype: str, entities: list[str], features: list[str],
          fields: dict[str, list[EntityField]], pages: list[str]) -> Plan:
    return Plan(language=language, archetype=archetype, confidence=0.9, has_ui=True,
                stack=Stack(frontend=["vanilla"]), entities=entities, features=features, fields=fields, pages=pages)


def _shop(lang: str) -> Plan:
    """Every widget a records project can have, in one shop."""
    w = WORDS[lang]
    fields = {w["thing"]: [*(EntityField(name=f) for f in w["fields"]), EntityField(name=w["price"], type="float"),
                           EntityField(name=w["stock"], type="int"), EntityField(name="disponible", type="bool")],
              w["person"]: [EntityField(name=w["name"])]}
    return _plan(lang, "ecommerce", [w["thing"], w["person"]], SHOP_FEATURES, fields, ["overview", "cart"])


def _booking(lang: str) -> Plan:
    w = WORDS[lang]
    fields = {w["room"]: [EntityField(name=w["name"])], w["booking"]: [EntityField(name=w["guest"])]}
    return _plan(lang, "booking", [w["room"], w["booking"]], ["booking"], fields, [])


def _game(lang: str) -> Plan:
    return _plan(lang, "game", [], ["game", "leaderboard", "dark_mode", "notifications", "contact_form"], {}, [])


def _chat(lang: str) -> Plan:
    # As the planner makes it: its rooms are the request's, its messages the chat feature's own entity.
    room = WORDS[lang]["room"]
    return _plan(lang, "chat", [room], ["chat", "notifications", "accounts"], {room: [EntityField(name="nombre")]},
                 [f"{room}s"])


def _landing(lang: str) -> Plan:
    w = WORDS[lang]
    return _plan(lang, "landing", [w["thing"]], ["contact_form", "dark_mode", "search"],
                 {w["thing"]: [EntityField(name=w["name"])]}, [])


KINDS = {"shop": _shop, "booking": _booking, "game": _game, "chat": _chat, "landing": _landing}


class _Reader(HTMLParser):
    """What a page says to people: its text nodes and readable attributes, each whole and stripped."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.said: list[str] = []
        self.lang: str | None = None
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("script", "style"):
            self._skip += 1
        self.said += [attrs[a].strip() for a in READ_ATTRIBUTES if attrs.get(a)]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.said.append(data.strip())


def _pattern(message: str) -> re.Pattern[str]:
    """A message as a pattern a whole text must match; its placeholders match anything."""
    pattern = re.escape(message)
    for name in placeholders(message):
        pattern = pattern.replace(re.escape("{" + name + "}"), ".+")
    return re.compile(pattern)


def _english_only(lang: str) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(English, ``lang``) patterns of every message ``lang`` says otherwise ("API" is "API" in both)."""
    return [(_pattern(texts["en"]), _pattern(texts[lang])) for texts in catalogue().values()
            if texts["en"] != texts[lang]]


def _english_left(project: Path, lang: str) -> list[tuple[str, str]]:
    """Texts of the project's pages that are an English message and not the same message in ``lang``
    ("Total de {field}" also reads as "Total {field}")."""
    patterns = _english_only(lang)
    found = []
    for page in html_pages(project):
        for said in _Reader(page.read_text(encoding="utf-8")).said:
            found += [(page.name, said) for en, own in patterns if en.fullmatch(said) and not own.fullmatch(said)]
    return found


def _script_text(path: Path) -> dict[str, str]:
    """The messages a generated script carries (its ``const TEXT = {...};``)."""
    match = re.search(r"const TEXT = (\{.*?\n  \});", path.read_text(encoding="utf-8"), re.DOTALL)
    assert match, path
    return json.loads(match[1])


def _build(tmp_path_factory, kind: str, lang: str) -> Path:
    """The frontend and ui agents' project (as archetype_plans.build) for ``kind`` in ``lang``."""
    plan, workspace = KINDS[kind](lang), tmp_path_factory.mktemp(f"{kind}-{lang}")
    generate_frontend(plan, workspace)
    infer_ui(plan, workspace)
    return merge_agents(workspace)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_no_english_chrome_is_left(tmp_path_factory, kind: str, lang: str) -> None:
    project = _build(tmp_path_factory, kind, lang)
    assert {_Reader(p.read_text(encoding="utf-8")).lang for p in html_pages(project)} == {lang}
    assert _english_left(project, lang) == []
    for script, sections in (("app.js", ("js", "app_js")), ("api.js", ("api_js",)), ("game.js", ("js", "game_js"))):
        if (project / "frontend" / script).exists():
            assert _script_text(project / "frontend" / script) == script_text(lang, *sections)


def test_a_spanish_request_gets_a_spanish_app(generated) -> None:
    gen = generated("biblioteca")
    assert gen.plan.language == "es"
    pages = gen.project / "frontend" / "pages"
    libros = (pages / "libros.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in libros
    assert '<a class="skip-link" href="#main">Saltar al contenido principal</a>' in libros
    assert '<button type="submit">Guardar</button>' in libros
    assert '>Ordenar por</label>' in libros and '<option value="">Orden predeterminado</option>' in libros
    assert '>Buscar Libros</label>' in libros
    assert 'Título (obligatorio)</label>' in libros
    assert "Aún no hay libros." in libros and "Cargando libros…" in libros
    index = (gen.project / "frontend" / "index.html").read_text(encoding="utf-8")
    assert "<title>Inicio · Biblioteca</title>" in index and "<li class=\"tag\">búsqueda</li>" in index
    for english in ("Save", "Sort by", "Default order", "Search ", "(required)", "Skip to main content",
                    "Loading", "yet.", "Could not", "Home", "API status", "generated by grokorc"):
        assert english not in libros + index, english
    assert _english_left(gen.project, "es") == []
    app = _script_text(gen.project / "frontend" / "app.js")
    assert app["add_to_cart"] == "Añadir al carrito" and app["saved"] == "Guardado."
    assert app["delete_named"] == "Eliminar {name}" and app["yes"] == "Sí"


def test_a_german_request_gets_a_german_app(generated) -> None:
    gen = generated("chor")
    assert gen.plan.language == "de"
    pages = gen.project / "frontend" / "pages"
    lieder, proben = (pages / "lieder.html").read_text(encoding="utf-8"), (pages / "proben.html").read_text()
    assert '<html lang="de"' in lieder and '<button type="submit">Speichern</button>' in lieder
    assert '>Lieder durchsuchen</label>' in lieder
    # German keeps its nouns capitalised inside a sentence: "Noch keine Proben.", "Lied hinzufügen".
    assert "Noch keine Lieder." in lieder and ">Lied hinzufügen</h2>" in lieder
    assert '>Sortieren nach</label>' in proben and ">Datum, aufsteigend</option>" in proben
    assert _english_left(gen.project, "de") == []
    assert _script_text(gen.project / "frontend" / "app.js")["saved"] == "Gespeichert."


def test_english_stays_the_default(generated) -> None:
    html = (generated("dashboard").project / "frontend" / "pages" / "orders.html").read_text()
    assert '<html lang="en"' in html and '<button type="submit">Save</button>' in html
    assert _script_text(generated("dashboard").project / "frontend" / "app.js") == script_text("en", "js", "app_js")
