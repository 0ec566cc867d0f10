"""Who books what, who made which record, and how a referred-to record is named (planning/entities.py,
planning/acceptance.py complete_fields)."""

from __future__ import annotations

import pytest

from grokorc_assets.planning.inference import infer_plan


def _fields(plan, entity: str) -> list[str]:
    return [f.name for f in plan.fields[entity]]


@pytest.mark.parametrize(("request_text", "thing", "booker"), [
    ("Guests book rooms", "room", "guest"),
    ("A dog walking service where walkers book walks", "walk", "walker"),
])
def test_a_booking_verb_between_two_records_asks_for_bookings(request_text: str, thing: str, booker: str) -> None:
    plan = infer_plan(request_text)
    assert "booking" in plan.features
    assert (plan.roles["thing"], plan.roles["booker"]) == (thing, booker)
    booking = plan.roles["booking"]
    assert {f"{thing}_id", f"{booker}_id", "start", "end"} <= set(_fields(plan, booking))


@pytest.mark.parametrize("request_text", [
    "A book club where members discuss books",
    "Bookshop with books and authors",
    "Guests do not book rooms; they read reviews of rooms",
    # "book" is what the club stores and "dates" is a weak word: no booking site (was one, with no meeting date).
    "A book club app: members, books and meeting dates",
])
def test_book_as_a_noun_or_negated_asks_for_no_booking(request_text: str) -> None:
    assert "booking" not in infer_plan(request_text).features


def test_what_people_register_or_log_refers_to_them() -> None:
    plan = infer_plan("Pet app: owners register their dogs with breed and age")
    assert "owner_id" in _fields(plan, "dog")


def test_a_record_others_refer_to_gets_a_name_unless_it_has_one() -> None:
    pets = infer_plan("Vet clinic: pets with species and age that owners book appointments for")
    assert _fields(pets, "pet")[0] == "name"
    books = infer_plan("Library: books with title and author; loans with book and due date")
    assert _fields(books, "book") == ["title", "author"]  # a title already names a book
    assert "book_id" in _fields(books, "loan")


def test_what_a_record_holds_refers_to_it_even_when_searched_by() -> None:
    # Found by trying a build: "search recipes by ingredient" made each recipe point at one ingredient,
    # and the ingredients lost their recipe.
    plan = infer_plan("Cookbook: dishes with name, ingredients and steps; find dishes by ingredient")
    assert "dish_id" in _fields(plan, "ingredient") and "dish_id" in _fields(plan, "step")
    assert "ingredient_id" not in _fields(plan, "dish")


def test_a_listed_thing_named_with_its_field_keeps_the_field() -> None:
    plan = infer_plan("A book club app: members, books and meeting dates")
    assert {"book", "member", "meeting"} <= set(plan.entities)
    assert {f.name: f.type for f in plan.fields["meeting"]}.get("date") == "datetime"


def test_an_appointment_with_a_doctor_books_the_doctor() -> None:
    # Found by trying requests: the doctors referred to one appointment each and were not what was booked,
    # and "doctors have a specialty" gave doctors no specialty.
    plan = infer_plan("Clinic app where patients book appointments with doctors; doctors have a specialty and "
                      "office hours")
    assert (plan.roles["booking"], plan.roles["thing"], plan.roles["booker"]) == ("appointment", "doctor", "patient")
    assert {"doctor_id", "patient_id"} <= set(_fields(plan, "appointment"))
    assert _fields(plan, "doctor") == ["name", "specialty", "office_hours"]  # a referred doctor is picked by name


def test_a_number_of_seats_is_a_field_not_seat_records() -> None:
    plan = infer_plan("Wedding planner: guests with name, email and RSVP status (yes, no, maybe); tables with "
                      "number and seats; assign guests to tables")
    assert plan.entities == ["guest", "table"] and "booking" not in plan.features
    assert {f.name: f.type for f in plan.fields["table"]} == {"name": "str", "number": "int", "seats": "int"}
    assert "table_id" in _fields(plan, "guest")
