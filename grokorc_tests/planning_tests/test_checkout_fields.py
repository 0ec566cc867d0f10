"""A checkout sells by the request's own money and stock fields ("Preis", "cost", "quantity"), in any
supported language; `price` and `stock` are added only when the request names none."""

from __future__ import annotations

import pytest

from grokorc_assets.generation.spec import project_spec
from grokorc_assets.models import EntityField, Plan
from grokorc_assets.planning.acceptance import (
    checkout_fields,
    complete_fields,
    derive_contract,
    feature_roles,
    field_type,
)
from grokorc_assets.planning.inference import infer_plan


def _f(name: str, kind: str = "str") -> EntityField:
    return EntityField(name=name, type=kind)


def _names(fields: list[EntityField]) -> list[str]:
    return [f.name for f in fields]


def _checkout_texts(plan: Plan) -> list[str]:
    return [c.text for c in plan.acceptance if c.feature == "checkout"]


def test_a_german_request_checks_out_by_its_own_preis():
    plan = infer_plan("Online-Shop für Kurse mit Titel, Datum und Preis, mit Warenkorb und Checkout")
    assert plan.language == "de" and "checkout" in plan.features
    fields = {f.name: f.type for f in plan.fields["kurs"]}
    assert fields["preis"] == "float" and "price" not in fields
    assert fields["stock"] == "int"  # the request named no stock: the checkout still needs one
    assert plan.roles["priced"] == "kurs"
    assert plan.roles["price_field"] == "preis" and plan.roles["stock_field"] == "stock"
    texts = _checkout_texts(plan)
    assert len(texts) == 2 and "sum of preis x" in texts[0] and "price" not in " ".join(texts)
    spec = project_spec(plan)
    assert (spec.roles.priced, spec.roles.price_field, spec.roles.stock_field) == ("kurs", "preis", "stock")


def test_an_english_request_with_cost_and_quantity_keeps_them():
    plan = infer_plan("Web shop selling books with title, cost and quantity, cart and checkout")
    names = _names(plan.fields["book"])
    assert {"cost", "quantity"} <= set(names) and "price" not in names and "stock" not in names
    assert (plan.roles["price_field"], plan.roles["stock_field"]) == ("cost", "quantity")
    assert "sum of cost x" in _checkout_texts(plan)[0] and "their quantity" in _checkout_texts(plan)[1]


def test_cost_is_the_price_when_the_fields_are_given():
    contract = derive_contract("ecommerce", True, ["course"], {"course": [_f("title"), _f("cost", "float")]},
                               ["checkout"])
    assert contract.roles.price_field == "cost" and contract.roles.stock_field == "stock"
    assert _names(contract.fields["course"]) == ["title", "cost", "stock"]


def test_without_a_price_word_the_entity_gets_price_and_stock():
    named = {"book": [_f("title"), _f("author"), _f("weight", "float"), _f("rating", "float")]}
    roles = feature_roles(["book"], named, ["checkout"])
    assert (roles.priced, roles.price_field, roles.stock_field) == ("book", "price", "stock")
    fields = complete_fields(["book"], named, ["checkout"], roles)
    assert _names(fields["book"]) == ["title", "author", "weight", "rating", "price", "stock"]
    assert {f.name: f.type for f in fields["book"]}["price"] == "float"
    plan = infer_plan("Online bookshop with books with title and author, a cart and checkout")
    assert {"price", "stock"} <= set(_names(plan.fields["book"]))
    assert plan.roles["price_field"] == "price" and "sum of price x" in _checkout_texts(plan)[0]


def test_a_named_quantity_is_the_stock():
    named = {"product": [_f("name"), _f("price", "float"), _f("quantity", "int")]}
    roles = feature_roles(["product"], named, ["checkout"])
    assert (roles.price_field, roles.stock_field) == ("price", "quantity")
    assert _names(complete_fields(["product"], named, ["checkout"], roles)["product"]) == ["name", "price", "quantity"]


@pytest.mark.parametrize(
    ("fields", "price", "stock"),
    [
        ([_f("nombre"), _f("precio", "float"), _f("existencias", "int")], "precio", "existencias"),
        ([_f("name"), _f("preis", "float"), _f("lagerbestand", "int")], "preis", "lagerbestand"),
        ([_f("titre"), _f("prix", "float"), _f("quantité", "int")], "prix", "quantité"),
        ([_f("título"), _f("preço", "float"), _f("estoque", "int")], "preço", "estoque"),
        # A price word before a lesser one; a word inside a name ("precio_unitario", "shipping_cost").
        ([_f("shipping_cost", "float"), _f("price", "float")], "price", None),
        ([_f("precio_unitario", "float"), _f("peso", "float")], "precio_unitario", None),
        # Floats that are not money, a price word that is not a float, a count that is not a stock.
        ([_f("weight", "float"), _f("latitude", "float"), _f("rating", "float")], None, None),
        ([_f("price"), _f("pages", "int")], None, None),
    ],
)
def test_checkout_fields_in_every_language(fields, price, stock):
    assert checkout_fields(fields) == (price, stock)


def test_checkout_words_type_their_fields():
    assert field_type("preço") == "float" and field_type("kosten") == "float" and field_type("unit_price") == "float"
    assert field_type("existencias") == "int" and field_type("lagerbestand") == "int"
    assert field_type("quantité") == "int" and field_type("estoque") == "int"
    assert field_type("weight") == "float" and field_type("title") == "str"  # the suffix table still decides


def test_the_thing_sold_is_priced_not_the_order():
    named = {"pedido": [_f("referencia"), _f("importe", "float")], "order": [_f("total", "float")],
             "producto": [_f("nombre"), _f("precio", "float")]}
    roles = feature_roles(["order", "producto"], named, ["checkout"])
    assert (roles.priced, roles.price_field) == ("producto", "precio")
