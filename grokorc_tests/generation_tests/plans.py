"""Hand-built plans for the generator tests: one per archetype family, plus a hostile one."""

from __future__ import annotations

from collections.abc import Callable

from grokorc_assets.models import EntityField, Plan, Stack

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "{% raw %}"]
HOSTILE_TITLE = '"><img src=x onerror=alert(1)> <script>alert(1)</script> {{7*7}} {% raw %}'


def dashboard() -> Plan:
    return Plan(
        archetype="dashboard", confidence=0.91, has_ui=True,
        stack=Stack(frontend=["react"], backend=["fastapi"], database=["postgres"],
                    devops=["docker-compose"]),
        explicit=["react"], entities=["order", "region", "product"],
        fields={"order": [EntityField(name="name"), EntityField(name="amount", type="float")]},
        features=["charts", "csv_export", "filters"], pages=["overview", "orders"],
    )


def ecommerce() -> Plan:
    return Plan(
        archetype="ecommerce", confidence=0.88, has_ui=True,
        stack=Stack(frontend=["nextjs"], backend=["express"], database=["mongodb"]),
        entities=["product", "customer", "order", "cart"], features=["search", "checkout"],
        pages=["home", "products", "checkout", "customers"],
    )


def ecommerce_de() -> Plan:
    """"Kurse mit Titel, Datum und Preis": the checkout sells by the request's own Preis, not an added price."""
    return Plan(
        language="de", archetype="ecommerce", confidence=0.88, has_ui=True, stack=Stack(frontend=["vanilla"]),
        entities=["kurs"], features=["search", "checkout"],
        fields={"kurs": [EntityField(name="titel"), EntityField(name="datum", type="datetime"),
                         EntityField(name="preis", type="float")]},
    )


def ecommerce_es() -> Plan:
    """"Productos con nombre, precio y existencias": its own money and stock fields, accents and all."""
    return Plan(
        language="es", archetype="ecommerce", confidence=0.88, has_ui=True, stack=Stack(frontend=["vanilla"]),
        entities=["producto", "pedido"], features=["checkout"],
        fields={"producto": [EntityField(name="nombre"), EntityField(name="precio_unitario", type="float"),
                             EntityField(name="existencias", type="int")],
                "pedido": [EntityField(name="referencia"), EntityField(name="importe", type="float")]},
    )


def planned(request: str) -> Callable[[], Plan]:
    """A plan the offline planner makes from ``request``, made when a test asks for it."""

    def plan() -> Plan:
        from grokorc_assets.planning.inference import infer_plan

        return infer_plan(request)

    return plan


CHOIR = ("A small web app for our choir: songs with title, composer and difficulty, rehearsals with date and "
         "location, and singers with name and voice part. Searchable song list, and rehearsals sorted by date.")

# Planned from its request: search works on songs (the main entity), sort on rehearsals, by date.
choir = planned(CHOIR)


GARDEN = ("A platform for a community garden: members with name and plot number, plants with species and planting "
          "date, and harvest logs. Members can rate plants and comment on harvest logs; search plants by species.")

# Planned from its request: ratings and search work on plants (the main entity), comments on the
# harvest logs the request named them with.
garden = planned(GARDEN)


LIBRARY = ("A library app: books with title and author, members with name and email, and loans with book, member and "
           "due date.")

# Planned from its request: a loan refers to a book and a member (book_id, member_id).
library = planned(LIBRARY)


BIBLIOTECA = ("Una aplicación para una biblioteca: libros con título y autor, búsqueda de libros y libros "
              "ordenados por título")
CHOR = ("Eine App für unseren Chor: Lieder mit Titel und Komponist, Proben mit Datum und Ort, Suche nach Liedern, "
        "Proben sortiert nach Datum")

BIKES = "Web app for a bike rental shop: customers rent bikes by the hour, staff mark bikes returned."
# "customers rent bikes": the rental is the booking, of a bike, by a customer.
bikes = planned(BIKES)

DESK = ("Support desk where customers open tickets with subject, priority (low, medium, high) and status (open, "
        "in progress, closed); agents filter tickets by status")
# Fields with listed values: a select in the form and the filter, 422 for any other value.
desk = planned(DESK)
HELPDESK = ("Helpdesk where customers open tickets with a subject and priority (low, medium, high); agents are "
            "assigned tickets")
# An assigned reference is optional: a ticket is opened unassigned and assigned later, through Edit.
helpdesk = planned(HELPDESK)
YOGA = "Yoga studio: classes with a title, a time and a maximum of 12 participants; members sign up for classes."
# A class is a session: a booking takes a place in it (no times of its own), up to its maximum.
yoga = planned(YOGA)
KANBAN = "Kanban board with columns To do, Doing, Done; cards with title, assignee and due date"
kanban = planned(KANBAN)

EXPENSES = ("Expense tracker: log expenses with amount, date and category; show monthly totals per category "
            "in a chart")
# A chart that totals a number per field and month, on the main page (no overview page).
expenses = planned(EXPENSES)

FUNDRAISER = ("Fundraiser: donors with name and email; donations with amount, date and donor; a chart of total "
              "amount per donor")
# A chart of another record than the main one, grouped by a reference: bars named by the donors.
fundraiser = planned(FUNDRAISER)

# Planned from its Spanish request: the generated UI speaks Spanish (language "es").
biblioteca = planned(BIBLIOTECA)

# Planned from its German request: the generated UI speaks German (language "de").
chor = planned(CHOR)


def awkward_crud() -> Plan:
    return Plan(
        archetype="crud", confidence=0.85, has_ui=True,
        stack=Stack(frontend=["vanilla"], backend=["flask"], database=["sqlite"]),
        entities=["Order Item", "class", "2fa-token", "Café Menü", "items", "item", "", "order_item",
                  "self", "To-Do Tasks!!", "x" * 300],
        features=["filters"], pages=[],
    )


def cli_tool() -> Plan:
    return Plan(
        archetype="cli", confidence=0.9, has_ui=False,
        stack=Stack(backend=["python"]), entities=["note", "tag"], features=["search"],
    )


def api_only() -> Plan:
    return Plan(
        archetype="api", confidence=0.86, has_ui=False,
        stack=Stack(backend=["fastapi"], database=["postgres"], devops=["docker-compose", "kubernetes"]),
        entities=["invoice", "customer"], features=["accounts"],
    )


def no_entities() -> Plan:
    return Plan(archetype="landing", confidence=0.5, has_ui=True, stack=Stack())


def hostile() -> Plan:
    return Plan(
        archetype="dashboard", confidence=0.9, has_ui=True,
        stack=Stack(frontend=["react"], backend=["fastapi"]),
        entities=["order", *HOSTILE], features=["charts", "csv_export", "filters", *HOSTILE],
        pages=["overview", *HOSTILE],
    )


UI_PLANS = {"dashboard": dashboard, "ecommerce": ecommerce, "awkward_crud": awkward_crud,
            "no_entities": no_entities, "hostile": hostile}
# Not UI plans: their UI is the ecommerce one's; their back ends check out by non-English fields.
ALL_PLANS = {**UI_PLANS, "cli": cli_tool, "api": api_only, "ecommerce_de": ecommerce_de, "ecommerce_es": ecommerce_es,
             "choir": choir, "garden": garden, "biblioteca": biblioteca, "chor": chor, "library": library,
             "bikes": bikes, "desk": desk, "helpdesk": helpdesk, "yoga": yoga, "kanban": kanban, "expenses": expenses,
             "fundraiser": fundraiser}


def title_for(name: str) -> str | None:
    return HOSTILE_TITLE if name == "hostile" else None
