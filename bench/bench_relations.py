"""Relations and rules a request states between its records: who a thing is assigned to or owned by, what
a booking takes (a place in a session, or a thing for a time), and what a money record holds.

Usage: .venv/bin/python bench/bench_relations.py [--json]
Twelve requests written for this bench after the rules were built and scored once (none is in a test or a
fixture), each labelled with the references a user would expect ("issues are assigned to technicians":
issue.technician_id), the booking rule ("students sign up for lessons": places in a lesson; "customers
borrow cameras": a camera for a time; otherwise none) and the fields a money record must have. Reports
references found, booking rules right and required fields present, out of all labelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grokorc_assets.planning.inference import infer_plan  # noqa: E402

# request -> (references "entity.field", booking "places:thing" | "time:thing" | None, fields "entity.field")
LABELLED: dict[str, tuple[list[str], str | None, list[str]]] = {
    "Maintenance app: tenants report issues with a description and a photo; issues are assigned to "
    "technicians.": (["issue.technician_id"], None, []),
    "Dance school: students sign up for lessons with a date and a limit of 10 dancers.": (
        ["booking.lesson_id", "booking.student_id"], "places:lesson", []),
    "Camera rental shop where customers borrow cameras for a weekend.": (
        ["loan.camera_id", "loan.customer_id"], "time:camera", []),
    "Conference app: speakers submit talks, attendees register for talks.": (
        ["talk.speaker_id", "registration.talk_id", "registration.attendee_id"], "places:talk", []),
    "Project tracker: managers assign tasks to developers; tasks have a title and a deadline.": (
        ["task.developer_id"], None, ["task.title", "task.deadline"]),
    "Household budget: log payments by category.": (["payment.category_id"], None,
                                                     ["payment.amount", "payment.date"]),
    "Volunteer site: organisations post opportunities; volunteers apply to opportunities with a short "
    "motivation.": (["opportunity.organisation_id", "application.opportunity_id", "application.volunteer_id"],
                    None, ["application.motivation"]),
    "Museum tours: visitors book tours; each tour has a date, a guide and a capacity.": (
        ["booking.tour_id", "booking.visitor_id"], "places:tour", ["tour.capacity"]),
    "Sports league: teams with players; referees are assigned matches.": (
        ["player.team_id", "match.referee_id"], None, []),
    "Gestión de talleres: los alumnos se inscriben en talleres con fecha y plazas.": (
        [], "places:taller", ["taller.plazas"]),
    "Invoice tool for freelancers: clients receive invoices.": (["invoice.client_id"], None,
                                                                ["invoice.amount", "invoice.due_date"]),
    "Office desk booking: employees book desks by the day.": (["booking.desk_id", "booking.employee_id"],
                                                              "time:desk", []),
}


def _booking(plan) -> str | None:
    roles = plan.roles
    if not roles.get("booking") or not roles.get("thing"):
        return None
    return f"{'places' if roles.get('capacity_field') else 'time'}:{roles['thing']}"


def score() -> dict:
    counts = {"references": [0, 0], "booking": [0, 0], "fields": [0, 0]}
    misses: list[str] = []
    for request, (references, booking, fields) in LABELLED.items():
        plan = infer_plan(request)
        have = {f"{e}.{f.name}" for e, fs in plan.fields.items() for f in fs}
        for label, wanted in (("references", references), ("fields", fields)):
            for item in wanted:
                counts[label][1] += 1
                counts[label][0] += item in have
                misses += [] if item in have else [f"{label}: {item} ({request[:40]}...)"]
        counts["booking"][1] += 1
        got = _booking(plan)
        counts["booking"][0] += got == booking
        misses += [] if got == booking else [f"booking: {booking} planned {got} ({request[:40]}...)"]
    return {"counts": {k: f"{found}/{total}" for k, (found, total) in counts.items()}, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = score()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result["counts"].items():
        print(f"{key}: {value}")
    for miss in result["misses"]:
        print(f"  missed {miss}")


if __name__ == "__main__":
    main()
