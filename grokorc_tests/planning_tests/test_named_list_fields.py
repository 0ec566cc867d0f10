"""A sort or a filter works on the field the request named ("sorted by price"), added when the record lacks
it; what a list is sorted or filtered by is no record (planning/entities.py _by_fields, acceptance.py)."""

from __future__ import annotations

import pytest

from grokorc_assets.planning.inference import infer_plan


def _criterion(plan, feature: str) -> str:
    return next(c.text for c in plan.acceptance if c.feature == feature)


@pytest.mark.parametrize(("request_text", "feature", "field", "text"), [
    ("Album shelf: albums with title, year and price, sorted by price", "sort", "price",
     "Albums can be sorted by price"),
    ("Chores with title, priority and due date; filter chores by priority", "filters", "priority",
     "Chores can be filtered by an exact priority"),
    ("Bug list: bugs with title, reporter and due date, sortable by due date", "sort", "due_date",
     "Bugs can be sorted by due_date"),
    ("Lista de discos: discos con título, año y sello, ordenados por año", "sort", "año",
     "Discos can be sorted by año"),
])
def test_the_list_works_on_the_named_field(request_text: str, feature: str, field: str, text: str) -> None:
    plan = infer_plan(request_text)
    assert plan.roles[f"{feature}_field"] == field
    assert _criterion(plan, feature).startswith(text)


def test_a_named_field_the_record_lacks_is_added_and_is_no_record() -> None:
    plan = infer_plan("Apartment rentals with photos, filters by rent and neighbourhood")
    main = plan.roles["main"]
    names = [f.name for f in plan.fields[main]]
    assert "neighbourhood" in names and "neighbourhood" not in plan.entities
    assert plan.roles["filters_field"] in names


def test_a_feature_after_the_list_starts_no_field() -> None:
    plan = infer_plan("Bike shop: bikes with brand, size and price; filter bikes by brand, sort by price")
    assert (plan.roles["filters_field"], plan.roles["sort_field"]) == ("brand", "price")
    assert "sort" not in [f.name for fs in plan.fields.values() for f in fs]
