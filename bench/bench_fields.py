"""Fields that make a delivered project usable: records linked to what they belong to, and values the
request listed kept as a field's only values (not planned as records of their own).

Usage: .venv/bin/python bench/bench_fields.py [--json]
Eight requests written for this bench (none of them is in a test or a fixture), each labelled with the
references it implies ("recipes with ingredients": ingredient.recipe_id) and the fields whose values it
lists ("severity (minor, major, critical)"). Reports, over all of them: references found, listed fields
found with exactly their values, and listed values planned as records (wrong: "minor", "won").
Target: every reference and listed field, no value as a record. A second set of eight requests (NAMED_BY),
written after sort and filter fields were read from the request, counts the sort and filter criteria that
work on the field the request named ("sorted by rating").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grokorc_assets.planning.inference import infer_plan  # noqa: E402

# request -> (references as "entity.field", listed fields as "entity.field" -> values)
LABELLED: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "A book club app: members with name and email; books with title and author; meetings with date and "
    "location (online, café, library)": ([], {"meeting.location": ["online", "café", "library"]}),
    "Bug tracker where developers report bugs with title, severity (minor, major, critical) and status (new, "
    "in progress, fixed)": ([], {"bug.severity": ["minor", "major", "critical"],
                                 "bug.status": ["new", "in progress", "fixed"]}),
    "Recipe box: recipes with title, ingredients and steps; search recipes by ingredient": (
        ["ingredient.recipe_id", "step.recipe_id"], {}),
    "Job board where recruiters post jobs with title, salary and location; candidates save favourite jobs": (
        ["job.recruiter_id"], {}),
    "A photo portfolio with albums containing photos": (["photo.album_id"], {}),
    "Kanban board for our design team's tasks": ([], {"task.column": ["To do", "Doing", "Done"]}),
    "Gym app: classes with name and instructor; trainers publish workouts with level (beginner, intermediate, "
    "advanced)": (["workout.trainer_id"], {"workout.level": ["beginner", "intermediate", "advanced"]}),
    "Sales CRM: companies with contacts, deals with amount and stage (lead, qualified, won, lost)": (
        ["contact.company_id"], {"deal.stage": ["lead", "qualified", "won", "lost"]}),
}


# Written for this bench after the rule was built, scored once: request -> (feature, the field it works on).
NAMED_BY: dict[str, list[tuple[str, str]]] = {
    "Movie catalogue: movies with title, year and rating; sorted by rating": [("sort", "rating")],
    "Support tickets with subject, priority and status; filter by status": [("filters", "status")],
    "Car marketplace: cars with make, model, price and mileage; filter cars by make, sort by mileage": [
        ("filters", "make"), ("sort", "mileage")],
    "Hiking trails with name, length and difficulty, sortable by length": [("sort", "length")],
    "Employee directory: employees with name, department and office; filter employees by department": [
        ("filters", "department")],
    "Wine cellar: wines with name, vintage and region, sorted by vintage": [("sort", "vintage")],
    "Catálogo de películas: películas con título, año y género, ordenadas por año": [("sort", "año")],
    "Weinkeller: Weine mit Name, Jahrgang und Region, sortiert nach Jahrgang": [("sort", "jahrgang")],
}
# The field a criterion names: "... sorted by rating, ascending ..." / "... filtered by an exact status with".
_CRITERION_FIELD = {"sort": re.compile(r"sorted by (\S+?),"), "filters": re.compile(r"filtered by an exact (\S+) with")}


def score_named_by() -> tuple[str, list[str]]:
    """Sort and filter criteria on the field the request named, out of all such asks."""
    found, total, misses = 0, 0, []
    for request, asks in NAMED_BY.items():
        criteria = infer_plan(request).acceptance
        for feature, field in asks:
            total += 1
            got = next((m.group(1) for c in criteria if c.feature == feature
                        for m in [_CRITERION_FIELD[feature].search(c.text)] if m), None)
            found += got == field
            misses += [] if got == field else [f"{feature} {field} (planned {got})"]
    return f"{found}/{total}", misses


def score() -> dict:
    refs = refs_found = listed = listed_found = value_records = 0
    misses: list[str] = []
    for request, (references, fields) in LABELLED.items():
        plan = infer_plan(request)
        planned = {f"{e}.{f.name}": f for e, fs in plan.fields.items() for f in fs}
        for ref in references:
            refs += 1
            refs_found += ref in planned
            misses += [] if ref in planned else [ref]
        values = set()
        for name, wanted in fields.items():
            listed += 1
            got = getattr(planned.get(name), "choices", None)
            listed_found += got == wanted
            misses += [] if got == wanted else [f"{name}={got}"]
            values |= {v.lower() for v in wanted}
        wrong = [e for e in plan.entities if e.replace("_", " ") in values]
        value_records += len(wrong)
        misses += [f"record {e}" for e in wrong]
    named_by, by_misses = score_named_by()
    return {"requests": len(LABELLED), "references": f"{refs_found}/{refs}",
            "listed_fields": f"{listed_found}/{listed}", "values_planned_as_records": value_records,
            "named_sort_filter_fields": named_by, "misses": [*misses, *by_misses]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = score()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['requests']} requests: references {result['references']}, listed fields "
          f"{result['listed_fields']}, listed values planned as records {result['values_planned_as_records']}")
    print(f"{len(NAMED_BY)} requests: sort and filter criteria on the field the request named "
          f"{result['named_sort_filter_fields']}")
    if result["misses"]:
        print("misses:", ", ".join(result["misses"]))


if __name__ == "__main__":
    main()
