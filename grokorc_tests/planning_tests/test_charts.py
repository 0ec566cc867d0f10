"""What a chart shows reaches the plan: its group, measure and period, in five languages (planning/charts.py)."""

from __future__ import annotations

import pytest

from grokorc_assets.models import EntityField
from grokorc_assets.planning.acceptance import Roles as PlanRoles
from grokorc_assets.planning.acceptance import chart_of, derive_contract
from grokorc_assets.planning.charts import ChartAsk, ChartQuery, chart_query
from grokorc_assets.planning.inference import infer_plan


def _query(request: str) -> ChartQuery:
    plan = infer_plan(request)
    assert "charts" in plan.features, plan.features
    roles = PlanRoles(**plan.roles)
    return chart_of(roles, roles.main, plan.fields)


@pytest.mark.parametrize(("request_text", "expected"), [
    ("Expense tracker: log expenses with amount, date and category; show monthly totals per category in a chart",
     {"by": "category", "sum": "amount", "period": "month", "date": "date"}),
    ("Sales dashboard: sales with amount and region; a chart of revenue by region",
     {"by": "region", "sum": "amount"}),
    ("Book tracker: books with title, genre and rating; a chart of average rating per genre",
     {"by": "genre", "average": "rating"}),
    ("Workout log: workouts with duration and type; a weekly chart of total duration",
     {"sum": "duration", "period": "week", "date": "date"}),
    ("Control de gastos: registrar gastos con importe, fecha y categoría; gráfico de totales mensuales por categoría",
     {"by": "categoría", "sum": "importe", "period": "month", "date": "fecha"}),
    ("Haushaltsbuch: Ausgaben mit Betrag und Kategorie, monatliche Summen pro Kategorie als Diagramm",
     {"by": "kategorie", "sum": "betrag", "period": "month", "date": "datum"}),
    ("Suivi des dépenses avec montant, date et catégorie ; graphique du montant total par catégorie et par mois",
     {"by": "catégorie", "sum": "montant", "period": "month", "date": "date"}),
    ("Controle de despesas: despesas com valor, data e categoria; gráfico do total mensal por categoria",
     {"by": "categoria", "sum": "valor", "period": "month", "date": "data"}),
    ("Reseñas de libros: libros con título, género y puntuación; gráfico de la puntuación media por género",
     {"by": "género", "average": "puntuación"}),
    # Records of money counted per group are totalled: spending per category.
    ("Budget app: expenses with category, amount and date; a chart of expenses per category",
     {"by": "category", "sum": "amount"}),
    # A unit is a number; a field a measure names is one even when its name did not say so.
    ("Coffee log: cups with origin, grams and date; a chart of total grams per origin",
     {"by": "origin", "sum": "grams"}),
    ("Study log: sessions with subject and effort; a chart of average effort per subject",
     {"by": "subject", "average": "effort"}),
    # "Daily" in a title is no chart's period.
    ("Daily journal: entries with mood and note; a chart of entries per mood", {"by": "mood"}),
])
def test_the_chart_asks_for_what_the_request_says(request_text: str, expected: dict) -> None:
    assert _query(request_text).params() == expected


def test_the_criterion_promises_the_query_and_its_words_are_no_records() -> None:
    plan = infer_plan("Book tracker: books with title, genre and rating; a chart of average rating per genre")
    assert plan.entities == ["book"]  # "average" is a measure, not a record
    chart = next(c for c in plan.acceptance if c.feature == "charts")
    assert chart.text == ("Averages of rating of books grouped by genre are served at "
                          "/api/stats/books?by=genre&average=rating")


def test_what_only_a_chart_measures_is_no_record() -> None:
    plan = infer_plan("Fuel log: refuels with station, liters and date; a graph of liters per month")
    assert "refuel" in plan.entities and "liter" not in plan.entities
    assert _query("Fuel log: refuels with station, liters and date; a graph of liters per month").params() == {
        "sum": "liters", "period": "month", "date": "date"}
    # Money said only in the chart's sentence is measured, not kept ("gráfico de ingresos mensuales").
    assert infer_plan("Registro: ventas con producto, importe y fecha; gráfico de ingresos por producto"
                      ).entities == ["venta"]
    # A record of money said elsewhere stays one.
    assert "expense" in infer_plan("Track income and expenses; a chart of expenses per month").entities


def test_a_period_adds_a_date_to_records_that_have_none() -> None:
    plan = infer_plan("Gym log: sessions with exercise and weight; weekly chart of the total weight")
    fields = {f.name: f.type for f in plan.fields[plan.roles["main"]]}
    assert fields["date"] == "datetime" and plan.roles["chart_date"] == "date"


@pytest.mark.parametrize("request_text", [
    # Sorting by a date is no chart's group; "per status" after the chart word is.
    "Task board: tasks with title, status and due date, sortable by due date, with a chart of tasks per status",
    # "price per night": night is no field, so price is no measure.
    "Hotel dashboard: rooms with price and type; a chart of rooms per type and price per night",
])
def test_words_that_name_no_field_change_nothing(request_text: str) -> None:
    assert _query(request_text).params() == {"by": "status" if "status" in request_text else "type"}


def test_without_chart_words_the_chart_counts_by_the_usual_field() -> None:
    query = _query("Fleet dashboard with vehicles (plate, model, status) and charts")
    assert query.measure is None and query.period is None and query.by


def test_a_plan_without_charts_gets_no_chart_roles() -> None:
    fields = {"expense": [EntityField(name="amount", type="float"), EntityField(name="category")]}
    ask = ChartAsk(groups=["category"], measure="sum", period="month")
    charted = derive_contract("crud", True, ["expense"], fields, ["charts"], chart=ask)
    plain = derive_contract("crud", True, ["expense"], fields, ["sort"], chart=ask)
    assert charted.roles.chart_by == "category" and charted.roles.chart_period == "month"
    assert not any(v for k, v in plain.roles.model_dump().items() if k.startswith("chart_"))
    assert [f.name for f in plain.fields["expense"]] == ["amount", "category"]  # no date added either


def test_matching_prefers_a_named_number_and_falls_back_to_money() -> None:
    fields = [EntityField(name="quantity", type="int"), EntityField(name="unit_price", type="float"),
              EntityField(name="shop", type="str"), EntityField(name="customer_id", type="int")]
    named, _ = chart_query(ChartAsk(values=["quantity"], measure="sum", groups=["shop"]), fields, "en")
    assert (named.by, named.measure, named.value) == ("shop", "sum", "quantity")
    money, _ = chart_query(ChartAsk(measure="sum", groups=["customer"]), fields, "en")
    assert (money.by, money.value) == ("customer_id", "unit_price")  # "per customer": the reference
    nothing, same = chart_query(ChartAsk(), fields, "en")
    assert nothing.params() == {} and same == fields


def test_a_group_the_record_lacks_becomes_its_field() -> None:
    fields = [EntityField(name="name")]
    status, with_status = chart_query(ChartAsk(groups=["status"]), fields, "en")
    assert status.by == "status" and [f.name for f in with_status] == ["name", "status"]
    customer, with_customer = chart_query(ChartAsk(groups=["customer"]), fields, "en", others=["customer"])
    assert customer.by == "customer_id" and with_customer[-1].type == "int"


def test_the_chart_works_on_the_records_it_names() -> None:
    fleet = infer_plan("Fleet dashboard with vehicles and repairs, charts of repairs by status")
    assert fleet.roles["charts"] == "repair" and "status" in [f.name for f in fleet.fields["repair"]]
    chart = next(c for c in fleet.acceptance if c.feature == "charts")
    assert chart.entity == "repair" and "/api/stats/repairs?by=status" in chart.text
    # The record whose fields the chart names, wherever the chart's word stands.
    garden = infer_plan("Gardening log: plants with name; harvests with crop, weight and date; "
                        "chart weight picked per week")
    assert garden.roles["charts"] == "harvest" and garden.roles["chart_value"] == "weight"
