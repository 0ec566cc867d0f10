"""Hand-built plans per archetype for the UI-shape tests (fields written out: no planner involved)."""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation import generate_frontend, infer_ui, merge_agents
from grokorc_assets.models import EntityField, Plan, Stack

HOSTILE_LABEL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'


def _f(name: str, kind: str = "str") -> EntityField:
    return EntityField(name=name, type=kind)


def _plan(archetype: str, entities: list[str], features: list[str], fields: dict, pages: list[str]) -> Plan:
    return Plan(archetype=archetype, confidence=0.9, has_ui=True, stack=Stack(frontend=["vanilla"]),
                entities=entities, features=features, fields=fields, pages=pages)


def game() -> Plan:
    return _plan("game", ["score"], ["game", "leaderboard", "dark_mode"],
                 {"score": [_f("player"), _f("score", "int")]}, ["game", "leaderboard"])


def game_alone() -> Plan:
    return _plan("game", [], ["game"], {}, ["game"])


def chat() -> Plan:
    return _plan("chat", ["message", "room"], ["chat", "notifications"],
                 {"message": [_f("room"), _f("author"), _f("body", "text")], "room": [_f("name")]},
                 ["rooms", "conversation", "settings"])


def landing() -> Plan:
    return _plan("landing", ["workshop"], ["contact_form", "dark_mode"],
                 {"workshop": [_f("name"), _f("description", "text")]}, ["home", "about"])


def bookshop() -> Plan:
    return _plan(
        "ecommerce", ["book", "customer", "order"],
        ["search", "sort", "filters", "checkout", "comments", "ratings", "votes", "tags", "charts", "csv_export",
         "accounts", "pagination"],
        {"book": [_f("title"), _f("author"), _f("genre"), _f("price", "float"), _f("stock", "int")],
         "customer": [_f("name"), _f("email", "email")], "order": [_f("reference"), _f("total", "float")]},
        ["home", "Home", "books", "book", "cart", "checkout", "orders"])


def kursshop() -> Plan:
    """German: "Kurse mit Titel und Preis" - the cart adds up preis, the request's own money field."""
    return Plan(archetype="ecommerce", confidence=0.9, has_ui=True, stack=Stack(frontend=["vanilla"]),
                language="de", entities=["kurs"], features=["checkout"],
                fields={"kurs": [_f("titel"), _f("preis", "float")]}, pages=["kurse"])


def booking() -> Plan:
    return _plan(
        "booking", ["room", "booking"], ["booking"],
        {"room": [_f("name"), _f("capacity", "int")],
         "booking": [_f("guest"), _f("start", "datetime"), _f("end", "datetime"), _f("room_id", "int")]},
        ["availability", "book", "my-bookings"])


def hostile_landing() -> Plan:
    return _plan("landing", [HOSTILE_LABEL], ["contact_form", HOSTILE_LABEL],
                 {HOSTILE_LABEL: [_f("name")]}, [HOSTILE_LABEL])


def hostile_shop() -> Plan:
    return _plan("ecommerce", [HOSTILE_LABEL, "order"], ["search", "checkout", "comments", "accounts"],
                 {HOSTILE_LABEL: [_f("title"), _f("price", "float"), _f("stock", "int")]},
                 ["home", HOSTILE_LABEL, "cart"])


PLANS = {"game": game, "game_alone": game_alone, "chat": chat, "landing": landing, "bookshop": bookshop,
         "kursshop": kursshop, "booking": booking, "hostile_landing": hostile_landing, "hostile_shop": hostile_shop}


def build(name: str, workspace: Path) -> Path:
    """Frontend and ui agents only (the backend is another agent's business), merged into a project."""
    plan = PLANS[name]()
    title = HOSTILE_LABEL if name.startswith("hostile") else None
    generate_frontend(plan, workspace, title=title)
    infer_ui(plan, workspace, title=title)
    return merge_agents(workspace) / "frontend"
