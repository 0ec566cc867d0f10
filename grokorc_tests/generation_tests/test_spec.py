"""Sanitising plan text into identifiers, slugs and a deterministic spec."""

import keyword
import re

from grokorc_assets.generation.spec import identifier, plural, project_spec, singular
from grokorc_tests.generation_tests.plans import HOSTILE, HOSTILE_TITLE, awkward_crud, hostile, no_entities

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
