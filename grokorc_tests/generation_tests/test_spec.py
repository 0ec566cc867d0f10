"""Sanitising plan text into identifiers, slugs and a deterministic spec."""

import keyword
import re
from pathlib import Path

from grokorc_assets.generation import generate_backend
from grokorc_assets.generation.spec import identifier, plural, project_spec, singular
from grokorc_assets.models import EntityField, Plan, Stack
from grokorc_assets.planning.acceptance import Roles
from grokorc_assets.serve.seed import SeedResource, sample_record
from grokorc_tests.generation_tests.plans import (
    HOSTILE,
    HOSTILE_TITLE,
    awkward_crud,
    ecommerce_de,
    ecommerce_es,
    hostile,
    no_entities,
)

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def test_identifiers_are_safe_for_python_and_js():
    for raw in [*HOSTILE, "class", "2fa-token", "Café Menü", "self", "Order Item", "ÄÖÜ", "x" * 300]:
        name = identifier(raw)
        assert IDENT.match(name), (raw, name)
        assert not keyword.iskeyword(name)
        assert len(name) <= 50
    assert identifier("") == ""
    assert identifier("!!!") == ""
    assert identifier("class") == "entity_class"
    assert identifier("2fa-token") == "entity_2fa_token"
    assert identifier("Café Menü") == "cafe_menu"
    assert identifier("OrderItem") == "order_item"


def test_plural_and_singular():
    assert [plural(w) for w in ["order", "category", "box", "day", "order_item", "status"]] == [
        "orders", "categories", "boxes", "days", "order_items", "statuses"]
    assert [singular(w) for w in ["orders", "categories", "boxes", "status", "news", "to_do_tasks"]] == [
        "order", "category", "box", "status", "news", "to_do_task"]


def test_awkward_entities_become_distinct_resources():
    spec = project_spec(awkward_crud())
    names = [r.name for r in spec.resources]
    plurals = [r.plural for r in spec.resources]
    assert len(set(names)) == len(names) == len(spec.resources)
    assert len(set(plurals)) == len(plurals)
    classes = {f"{r.class_name}{suffix}" for r in spec.resources for suffix in ("Input", "Record")}
    assert len(classes) == 2 * len(spec.resources)
    for r in spec.resources:
        assert IDENT.match(r.name) and IDENT.match(r.plural)
        assert re.match(r"^[A-Z][A-Za-z0-9]*$", r.class_name)
    # "items" and "item" collide after singularising: the second gets a suffix, not a silent merge.
    assert "item" in names and "item_2" in names
    assert "entity_class" in names and "entity_self" in names and "entity_2fa_token" in names
    # The empty entity still yields a resource with a generated name.
    assert any(name.startswith("entity_") and name[7:].isdigit() for name in names)


def test_default_entity_and_pages():
    spec = project_spec(no_entities())
    assert [r.name for r in spec.resources] == ["item"]
    assert spec.pages == [("overview", "overview"), ("items", "items")]


def test_hostile_plan_keeps_text_as_labels_only():
    spec = project_spec(hostile(), HOSTILE_TITLE)
    assert spec.title == HOSTILE_TITLE
    assert [r.label for r in spec.resources][1:] == HOSTILE
    for _label, slug in spec.pages:
        assert re.match(r"^[a-z0-9][a-z0-9-]*$", slug), slug
    assert spec.slug == "img-src-x-onerror-alert-1-script-alert-1"  # bounded to 40 characters


def test_spec_is_deterministic():
    assert project_spec(awkward_crud()) == project_spec(awkward_crud())


def test_the_checkout_sells_by_the_requests_own_fields(tmp_path):
    """"Kurse mit ... Preis": the generated checkout, its tests and its seed data use preis, not price."""
    result = generate_backend(ecommerce_de(), tmp_path)
    backend = Path(result.root) / "backend"
    module = (backend / "app/features/checkout.py").read_text()
    assert "PRICE = 'preis'" in module and "STOCK = 'stock'" in module
    assert not re.search(r"""["']price["']""", module)  # no field of that name is read or written
    tests = (backend / "tests/test_acceptance.py").read_text()
    assert "price, stock = 'preis', 'stock'" in tests and "sum of preis x" in tests
    [kurs] = result.resources
    assert [(f.name, f.type) for f in kurs.fields if f.type in ("float", "int")] == [("preis", "float"),
                                                                                    ("stock", "int")]
    # What the visual stage seeds through the API: a positive price and a whole, non-negative stock.
    for index in range(3):
        record = sample_record(SeedResource.model_validate(kurs.model_dump()), index)
        assert record["preis"] > 0 and isinstance(record["stock"], int) and record["stock"] >= 0


def test_a_multiword_money_field_and_a_named_stock_reach_the_checkout():
    spec = project_spec(ecommerce_es())
    assert (spec.roles.priced, spec.roles.price_field, spec.roles.stock_field) == (
        "producto", "precio_unitario", "existencias")
    producto = next(r for r in spec.resources if r.name == "producto")
    assert [f.name for f in producto.fields] == ["nombre", "precio_unitario", "existencias"]


def test_a_plan_stored_before_price_field_still_loads_and_sells_by_price():
    plan = Plan(archetype="ecommerce", confidence=0.9, has_ui=True, stack=Stack(), entities=["book"],
                features=["checkout"], roles={"main": "book", "priced": "book"},
                fields={"book": [EntityField(name="title"), EntityField(name="price", type="float"),
                                 EntityField(name="stock", type="int")]})
    assert (Roles(**plan.roles).price, Roles(**plan.roles).stock) == ("price", "stock")
    spec = project_spec(plan)
    assert (spec.roles.priced, spec.roles.price_field, spec.roles.stock_field) == ("book", "price", "stock")


def test_references_name_other_resources_and_never_close_a_cycle():
    # A team names its captain (a player) and a player names the team: the first of them could never be
    # created if both were checked, so the reference that closes the cycle stays a plain number.
    plan = Plan(archetype="crud", confidence=0.9, has_ui=True, stack=Stack(), entities=["team", "player", "match"],
                roles={"main": "team"},
                fields={"team": [EntityField(name="name"), EntityField(name="player_id", type="int")],
                        "player": [EntityField(name="name"), EntityField(name="team_id", type="int")],
                        "match": [EntityField(name="name"), EntityField(name="team_id", type="int")]})
    refs = {r.plural: r.references for r in project_spec(plan).resources}
    assert refs == {"teams": {"player_id": "players"}, "players": {}, "matches": {"team_id": "teams"}}
