"""A booking of a session (a class, an event, a workshop) takes a place in it rather than a time: the
session keeps its own date, its bookings stop at its capacity, and one person books it once. A thing
booked by time (a court, a room) keeps the overlap rule."""

from __future__ import annotations

import httpx

from grokorc_assets.planning.acceptance import session_capacity
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.serve import served_project
from grokorc_tests.generation_tests.plans import YOGA


def _names(plan, entity: str) -> dict[str, str]:
    return {f.name: f.type for f in plan.fields[entity]}


def test_a_class_is_booked_by_places_up_to_its_maximum() -> None:
    plan = infer_plan(YOGA)
    assert plan.roles["thing"] == "class" and plan.roles["capacity_field"] == "maximum"
    assert _names(plan, "class")["maximum"] == "int"  # "a maximum of 12 participants": a number of places
    booking = _names(plan, "booking")
    assert {"class_id", "member_id"} <= set(booking) and "start" not in booking and "end" not in booking
    [criterion] = [c for c in plan.acceptance if c.feature == "booking"]
    assert "stop at its maximum" in criterion.text and "cannot book the same class twice" in criterion.text


def test_a_session_named_without_places_gets_a_capacity_in_its_language() -> None:
    gym = infer_plan("Gym app: members book classes with a trainer.")
    assert gym.roles["capacity_field"] == "capacity" and _names(gym, "class")["capacity"] == "int"
    spanish = infer_plan("Academia de baile: los alumnos reservan clases.")
    assert spanish.roles.get("capacity_field") == "plazas"
    # Booked by time, not by place: the overlap rule and its start and end stay.
    courts = infer_plan("Tennis club: members book courts by the hour")
    assert "capacity_field" not in courts.roles and {"start", "end"} <= set(_names(courts, "booking"))


def test_what_makes_a_thing_a_session() -> None:
    from grokorc_assets.models import EntityField

    assert session_capacity("yoga_class", []) == "capacity"  # its last word is a session word
    dated = [EntityField(name="date", type="datetime"), EntityField(name="seats", type="int")]
    assert session_capacity("tasting", dated) == "seats"  # a date and places of its own
    assert session_capacity("table", [EntityField(name="seats", type="int")]) is None  # booked by time


def test_places_run_out_and_nobody_books_twice_over_http(generated) -> None:
    with served_project(generated("yoga").project) as app:
        made = httpx.post(f"{app.url}/api/classes", json={"title": "Flow", "time": "2030-01-01T08:00:00",
                                                           "maximum": 1})
        session = made.json()["id"]
        ana, ben = (httpx.post(f"{app.url}/api/members", json={"name": name}).json()["id"] for name in ("Ana", "Ben"))

        def book(member: int, class_id: int = session) -> httpx.Response:
            return httpx.post(f"{app.url}/api/bookings", json={"name": "spot", "class_id": class_id,
                                                                "member_id": member})

        assert book(ana).status_code == 201
        assert book(ana).status_code == 409  # the same member
        full = book(ben)
        assert full.status_code == 409 and "fully booked" in full.json()["detail"]
        # A class or a member that does not exist is refused, in FastAPI's shape of a validation error.
        unknown = book(ben, class_id=session + 1000)
        assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "class_id"]
        assert book(ana + ben + 1000).status_code == 422
        # A class somebody booked stays until its bookings go.
        kept = httpx.delete(f"{app.url}/api/classes/{session}")
        assert kept.status_code == 409 and "1 bookings" in kept.json()["detail"]


def test_a_member_books_the_last_place_and_the_next_is_told_in_chromium(generated, browser) -> None:
    with served_project(generated("yoga").project) as app:
        httpx.post(f"{app.url}/api/classes", json={"title": "Flow", "time": "2030-01-01T08:00:00",
                                                    "maximum": 1}).raise_for_status()
        for name in ("Ana", "Ben"):
            httpx.post(f"{app.url}/api/members", json={"name": name}).raise_for_status()
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{app.url}/pages/bookings.html")
        form = page.locator('form[data-resource="bookings"]')
        assert form.locator('input[type="datetime-local"]').count() == 0  # the class has the time

        def book(who: str) -> None:
            form.get_by_label("Name (required)").fill(f"{who}'s place")
            form.get_by_label("Class (required)").select_option(label="Flow")
            form.get_by_label("Member (required)").select_option(label=who)
            form.get_by_role("button", name="Book").click()

        book("Ana")
        page.locator("tbody tr").filter(has_text="Ana's place").wait_for()
        book("Ben")
        alert = form.locator('[data-state="error"] [data-message]').filter(has_text="is full")
        alert.wait_for()
        assert alert.inner_text().strip() == "That class is full, or already booked for that person."
        assert [b["name"] for b in httpx.get(f"{app.url}/api/bookings").json()] == ["Ana's place"]
        # The class Ana booked cannot be deleted from under her booking: the page says why, the row stays.
        page.goto(f"{app.url}/pages/classes.html")
        page.locator("tbody tr").filter(has_text="Flow").get_by_role("button", name="Delete").click()
        refused = page.locator('[data-state="error"] [data-message]').filter(has_text="still in use")
        refused.wait_for()
        assert refused.inner_text().startswith("Could not delete Flow.") and "1 bookings" in refused.inner_text()
        assert page.locator('[data-state="error"] strong').first.is_hidden()  # not "Could not load classes"
        assert page.locator("tbody tr").filter(has_text="Flow").count() == 1
        context.close()
        assert errors == []


def test_enrolling_or_registering_in_a_session_books_a_place_in_it() -> None:
    school = infer_plan("Online school: students enroll in courses, teachers publish lessons")
    assert school.roles["booking"] == "enrollment" and school.roles["thing"] == "course"
    assert school.roles["booker"] == "student" and school.roles["capacity_field"] == "capacity"
    events = infer_plan("Events site: organisers create events with date, venue and capacity; attendees register for "
                        "events, and registration closes when capacity is reached.")
    assert events.roles["booking"] == "registration" and events.roles["capacity_field"] == "capacity"
    # "register for events" is no request for user accounts, and "closes" is no record
    assert "accounts" not in events.features and "close" not in events.entities
    assert "organiser_id" in _names(events, "event") and "attendee_id" not in _names(events, "event")
    # Borrowing a book is a loan for a time, not a place in a session.
    library = infer_plan("Library: members borrow books")
    assert library.roles["booking"] == "loan" and "capacity_field" not in library.roles


def test_borrowing_books_the_thing_for_a_time() -> None:
    # "members borrow books": a loan runs from the day it is borrowed to its due date, and a book is on one
    # loan at a time (the overlap rule of bookings by time).
    plan = infer_plan("A library catalogue: books with title and author; members borrow and return books; loans "
                      "have a due date.")
    assert plan.roles["booking"] == "loan" and plan.roles["thing"] == "book" and plan.roles["booker"] == "member"
    assert (plan.roles["start_field"], plan.roles["end_field"]) == ("borrowed_on", "due_date")
    names = list(_names(plan, "loan"))
    assert names.index("borrowed_on") < names.index("due_date") and {"book_id", "member_id"} <= set(names)
    assert list(_names(plan, "loan"))[0] == "name"
    [criterion] = [c for c in plan.acceptance if c.feature == "booking"]
    assert criterion.text == ("A loan that overlaps another loan of the same book is refused with 409; back-to-back "
                              "ones are accepted")


def test_signing_up_or_people_booking_a_session_books_places() -> None:
    dance = infer_plan("Dance school: students sign up for lessons with a date and a limit of 10 dancers.")
    assert dance.roles["thing"] == "lesson" and dance.roles["booker"] == "student"
    assert dance.roles["capacity_field"] == "limit" and _names(dance, "lesson")["limit"] == "int"
    # people who are no records of their own ("visitors") book too
    tours = infer_plan("Museum tours: visitors book tours; each tour has a date, a guide and a capacity.")
    assert tours.roles["thing"] == "tour" and tours.roles["capacity_field"] == "capacity"


def test_things_assigned_to_someone_become_records_that_refer_to_them() -> None:
    league = infer_plan("Sports league: teams with players; referees are assigned matches.")
    assert "match" in league.entities and "referee_id" in _names(league, "match")


def test_a_loan_form_saves_a_loan_rather_than_booking_one(tmp_path) -> None:
    from grokorc_assets.generation import generate_backend, generate_frontend, infer_ui

    plan = infer_plan("Tool library where members borrow tools")
    backend = generate_backend(plan, tmp_path)
    generate_frontend(plan, tmp_path)
    ui = infer_ui(plan, tmp_path, backend)
    loans = next(p for p in ui.pages if p.slug == "loans")
    page = (tmp_path / "agents" / "ui" / loans.path).read_text()
    assert 'data-feature="booking"' in page and '<button type="submit">Save</button>' in page
