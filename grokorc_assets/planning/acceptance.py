"""From a plan's entities and features to the project the generator must deliver and how it is proven.

Three steps, each a pure function of the plan (no clock, no randomness), shared by the planner and
by every generator so that they agree without talking to each other:

- ``feature_roles``: which entity each feature works on (the priced entity of a checkout, the booked
  thing of a booking, the main entity that search and comments attach to).
- ``complete_fields``: the fields each entity gets — what the request named, plus what its features
  need (a price and a stock to check out, start and end to book). A checkout uses the request's own
  money and stock fields ("Preis", "precio", "cost", "quantity"); ``price``/``stock`` are added only
  when it names none (``checkout_fields``, from ``data/checkout_fields.yaml``).
- ``derive_acceptance``: one criterion per promise of the feature table (``data/features.yaml``),
  and the features this build cannot generate, as unmet.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import AcceptanceCriterion, EntityField, FieldType, Plan, Unmet, Verification
from grokorc_assets.planning.charts import ChartAsk, ChartQuery, chart_query, field_named, named_fields
from grokorc_assets.planning.plurals import plural, uncountable
from grokorc_assets.planning.text import fold

Target = Literal["each", "main", "priced", "booking", "message", "score", "none"]

# Records a verb makes that are bookings too ("students enroll in courses", "members borrow books"): their
# forms save an enrollment or a loan rather than "book" one.
VERB_BOOKING_NAMES = ("enrollment", "registration", "rsvp", "loan")
BOOKING_NAMES = ("booking", "reservation", "réservation", "appointment", "reserva", "buchung", "termin",
                 "rendez_vous", "agendamento", "cita", "rental", "alquiler", "aluguel", "vermietung",
                 *VERB_BOOKING_NAMES)
MESSAGE_NAMES = ("message", "chat_message", "mensaje", "nachricht", "mensagem")
SCORE_NAMES = ("score", "high_score", "leaderboard_entry", "puntuación", "punktestand", "pontuação")
# The feature of the criteria about a field's listed values ("priority (low, medium, high)").
LISTED_VALUES = "listed_values"
# A list of saved records ("a favourites list", "bookmarks"): each one refers to a record of the main entity.
SAVED_NAMES = ("favourite", "favorite", "bookmark", "saved_item", "wishlist", "wishlist_item", "favorito",
               "favorita", "marcador", "favorit", "merkliste", "lesezeichen", "favori", "signet")
# People and bookkeeping entities: real entities, but never what a project is "about".
SUPPORTING = frozenset({"user", "account", "customer", "member", "author", "owner", "admin", "order", "cart",
                        "seller", "buyer", "vendor", "participant", "employee", "agent", "staff",
                        "volunteer", "coordinator", "fan", "guest", "reader", "host", "attendee", "applicant",
                        "candidate", "recruiter", "passenger", "speaker",
                        # the same roles in the other languages the planner reads (words for anyone using
                        # the app, "usuario", "Besucher", are planned as "user": entities.yaml `people`)
                        "cliente", "kunde", "client", "miembro", "socio", "mitglied", "membre", "membro", "sócio",
                        "lector", "leitor", "lecteur", "leser",
                        "payment", "category", "tag", "comment", "review", "rating", "vote", "notification",
                        # orders, carts, payments, categories and comments in those languages
                        "pedido", "encomenda", "bestellung", "commande", "carrito", "carrinho", "warenkorb",
                        "panier", "pago", "pagamento", "zahlung", "paiement", "categoría", "categoria",
                        "kategorie", "catégorie", "comentario", "comentário", "kommentar", "commentaire",
                        *BOOKING_NAMES, *MESSAGE_NAMES, *SCORE_NAMES, *SAVED_NAMES})
DEFAULT_FIELDS = (EntityField(name="name", type="str"), EntityField(name="description", type="text"))

# Field name -> type, by the word it ends with; the first match wins. "str" otherwise.
_TYPE_SUFFIXES: tuple[tuple[FieldType, tuple[str, ...]], ...] = (
    ("str", ("opening_hours", "business_hours", "office_hours")),  # a schedule, not a number of hours
    ("email", ("email", "e_mail", "mail")),
    ("float", ("price", "cost", "amount", "total", "fee", "salary", "budget", "revenue", "rate", "balance",
               "weight", "height", "length", "width", "depth", "mileage", "distance", "rating", "latitude",
               "longitude", "precio", "preis", "prix",
               "preco",
               # the same money, weights and ratings in Spanish, German, French and Portuguese (folded)
               "importe", "monto", "coste", "costo", "salario", "presupuesto", "saldo", "peso", "valoracion",
               "betrag", "kosten", "gehalt", "gewicht", "bewertung", "montant", "cout", "salaire", "solde",
               "poids", "montante", "custo", "orcamento", "avaliacao", "distancia", "entfernung",
               "consumption", "consumo", "verbrauch", "consommation",
               # measured quantities by their unit
               "liters", "litres", "gallons", "kwh", "km", "kilometers", "kilometres", "miles", "kg",
               "kilograms", "grams", "pounds", "lbs", "meters", "metres", "litros", "kilometros", "kilos")),
    ("int", ("stock", "quantity", "qty", "count", "age", "year", "pages", "capacity", "seats", "duration",
             "minutes", "servings", "calories", "score", "points", "level", "rank", "number", "size",
             "stars", "votes", "priority", "id", "puntuacion", "punktzahl", "punkte", "pontuacao", "hours")),
    ("datetime", ("date", "time", "start", "end", "deadline", "due", "at", "birthday", "fecha", "datum", "data",
                  "timestamp", "check_in", "check_out", "checkin", "arrival", "departure")),
    ("bool", ("done", "completed", "active", "available", "published", "paid", "archived", "verified",
              "is_open", "visible")),
    ("text", ("description", "body", "content", "notes", "note", "bio", "summary", "text", "details",
              "instructions", "message", "comment", "review", "descripcion", "beschreibung")),
)


_DURATION_HEADS = ("prep", "cook", "travel", "wait", "read", "run", "lead", "response", "play", "screen")
# "phone number", "licence number": a code written with digits (and "+", spaces, letters), not a quantity.
_CODE_NUMBER_HEADS = ("phone", "telephone", "mobile", "cell", "contact", "fax", "licence", "license", "account",
                      "serial", "batch", "lot", "plate", "registration", "passport", "tax", "vat", "tracking",
                      "invoice", "order", "membership", "member", "policy", "reference", "id", "iban", "card")
# Head-first date names: "fecha de inicio", "data de entrega", "date de fin", "hora de salida".
_DATE_FIRST = re.compile(r"^(?:fecha|data|date|hora|heure)_(?:de|do|da|du|del|d)_")


WordsT = TypeVar("WordsT", bound=BaseModel)


class CheckoutWords(BaseModel):
    """Words that name a checkout's money and stock fields, in every supported language (folded)."""

    price: tuple[str, ...]
    stock: tuple[str, ...]


def _folded_words(model: type[WordsT], name: str) -> WordsT:
    """A word-list data file validated into ``model``, each list folded and de-duplicated in order (a
    mapping's values are names, kept as they are)."""
    raw = model.model_validate(load_yaml("grokorc_assets.planning", f"data/{name}"))
    return model(**{key: words if isinstance(words, dict) else tuple(dict.fromkeys(fold(w) for w in words))
                    for key, words in raw})


@lru_cache(maxsize=1)
def checkout_words() -> CheckoutWords:
    return _folded_words(CheckoutWords, "checkout_fields.yaml")


class BookingWords(BaseModel):
    """Words that name a booking's start and end fields, what is booked a place in (a session) and the
    field that limits its places, in every supported language (folded; booking_fields.yaml)."""

    start: tuple[str, ...]
    end: tuple[str, ...]
    sessions: tuple[str, ...]
    capacity: tuple[str, ...]
    capacity_default: tuple[str, ...]
    defaults: dict[str, tuple[str, str]] = Field(default_factory=dict)

    def default_capacity(self, language: str) -> str:
        order = ("en", "es", "de", "fr", "pt")
        return self.capacity_default[order.index(language) if language in order else 0]


@lru_cache(maxsize=1)
def booking_words() -> BookingWords:
    return _folded_words(BookingWords, "booking_fields.yaml")


def booking_fields(fields: list[EntityField]) -> tuple[str | None, str | None]:
    """The request's own (start, end) fields of a booking, None for what it did not name: "start_date"
    and "end_date" of "rentals with start and end date", "fecha_de_llegada" of "reservas con fecha de
    llegada y de salida"."""
    words = booking_words()
    start = _named_by(fields, words.start, "datetime")
    end = _named_by([f for f in fields if f.name != start], words.end, "datetime")
    return start, end


def session_capacity(thing: str, fields: list[EntityField], language: str = "en") -> str | None:
    """The field that limits a booked thing's places when the thing is a session ("yoga classes with a
    maximum of 12 participants" -> maximum; "events with date and venue" -> capacity), None when the
    thing is booked by time (a room, a court, a dentist)."""
    words = booking_words()
    parts = {fold(thing), *re.split(r"[^a-z0-9]+", fold(thing))}
    named = next((f.name for word in words.capacity for f in fields
                  if word in {fold(f.name), *re.split(r"[^a-z0-9]+", fold(f.name))}), None)
    dated = any(f.type == "datetime" for f in fields)
    if not ((parts & set(words.sessions)) or (dated and named)):
        return None
    return named or words.default_capacity(language)


def field_type(name: str) -> FieldType:
    """The type a field name suggests: "price" is money, "due_date" a date-time, "title" text, and
    "cooking_time" a number of minutes (an activity's time is a duration, not a moment). Accents do not
    matter ("preço" is money like "preco"), and a checkout's words are typed too ("existencias": int)."""
    name = fold(name)
    head, _, last = name.rpartition("_")
    if _DATE_FIRST.match(name):
        return "datetime"
    if last == "time" and head and (head.endswith("ing") or head.rsplit("_", 1)[-1] in _DURATION_HEADS):
        return "int"
    if last == "number" and head and head.rsplit("_", 1)[-1] in _CODE_NUMBER_HEADS:
        return "str"
    words = checkout_words()
    for kind, names in (*_TYPE_SUFFIXES, ("float", words.price), ("int", words.stock),
                        ("int", booking_words().capacity)):  # "places", "plazas": a number of places
        if name in names or last in names:
            return kind
    return "str"


def _named_by(fields: list[EntityField], words: tuple[str, ...], kind: FieldType) -> str | None:
    """The first of ``fields`` of type ``kind`` one of whose words is in ``words``, earlier words first."""
    typed = [(f.name, {fold(f.name), *re.split(r"[^a-z0-9]+", fold(f.name))}) for f in fields if f.type == kind]
    return next((name for word in words for name, parts in typed if word in parts), None)


def url_segment(name: str) -> str:
    """A plural as the generated back end serves it: ASCII lower snake ("réunions" -> "reunions")."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or name


def checkout_fields(fields: list[EntityField]) -> tuple[str | None, str | None]:
    """The request's own (money, stock) fields of an entity, None for what it did not name: "Preis"
    (float) is the price of "Kurse mit Titel, Datum und Preis", "quantity" (int) the stock of
    "books with title, cost and quantity". A weight or a rating is a float but not a price."""
    words = checkout_words()
    return _named_by(fields, words.price, "float"), _named_by(fields, words.stock, "int")


class CriterionTemplate(BaseModel):
    verify: Verification
    text: str


class FeatureDef(BaseModel):
    label: str
    aliases: list[str] = Field(default_factory=list)  # other names a model or an older plan may use
    generated: bool
    target: Target = "none"
    reason: str | None = None
    contract: str | None = None  # the API a generated back end must keep (given to a model in LLM mode)
    criteria: list[CriterionTemplate] = Field(default_factory=list)
    # Booking only: the criteria when what is booked is a place in a session (roles.capacity_field).
    session_criteria: list[CriterionTemplate] = Field(default_factory=list)


@lru_cache(maxsize=1)
def feature_table() -> dict[str, FeatureDef]:
    data = load_yaml("grokorc_assets", "data/features.yaml")
    return {key: FeatureDef.model_validate(value) for key, value in data.items()}


_NO_FEATURE = FeatureDef(label="", generated=False)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    return {alias: key for key, feature in feature_table().items() for alias in feature.aliases}


def canonical_features(features: list[str]) -> list[str]:
    """Feature names in the table's vocabulary ("auth" -> "accounts"), de-duplicated, in order."""
    keys = [_aliases().get(f.strip().lower().replace(" ", "_"), f.strip().lower().replace(" ", "_"))
            for f in features]
    return list(dict.fromkeys(k for k in keys if k))


DEFAULT_PRICE_FIELD = "price"
DEFAULT_STOCK_FIELD = "stock"
DEFAULT_START_FIELD = "start"
DEFAULT_END_FIELD = "end"


class Roles(BaseModel):
    """The entity each role is played by (entity names as in the plan), and the fields of the priced
    entity a checkout works on (field names as in the plan; None in a plan stored before they were
    roles, whose priced entity always got ``price`` and ``stock``)."""

    main: str
    priced: str | None = None
    booking: str | None = None
    thing: str | None = None  # what a booking books
    booker: str | None = None  # who books, when the request says ("members book courts")
    message: str | None = None
    score: str | None = None
    price_field: str | None = None  # the priced entity's money field: "preis", "cost", else "price"
    stock_field: str | None = None  # the priced entity's stock field: "quantity", "existencias", else "stock"
    start_field: str | None = None  # the booking's start: "start_date", "check_in", else "start"
    end_field: str | None = None  # the booking's end: "end_date", "check_out", else "end"
    # Set when what is booked is a session (a class, an event): its field that limits the bookings of one
    # session; such a booking has no start and end of its own.
    capacity_field: str | None = None
    # The entity a feature was asked for, when the request named one other than the main entity
    # ("rehearsals sorted by date" where songs are the main entity, "comment on harvest logs"); None:
    # the main entity.
    search: str | None = None
    sort: str | None = None
    filters: str | None = None
    pagination: str | None = None
    comments: str | None = None
    ratings: str | None = None
    votes: str | None = None
    charts: str | None = None
    # The field a sort or a filter works on when the request named it ("sorted by price"); None: the
    # usual one (feature_field).
    sort_field: str | None = None
    filters_field: str | None = None
    # What the charts show, when the request said ("monthly totals per category"): the main entity's
    # field they group by, the measure and its number field, the period and its date field (charts.py).
    chart_by: str | None = None
    chart_measure: str | None = None
    chart_value: str | None = None
    chart_period: str | None = None
    chart_date: str | None = None

    def target(self, feature: str) -> str:
        """The entity a main-entity feature works on."""
        own = getattr(self, feature, None) if feature in MENTION_TARGETED else None
        return own or self.main

    @property
    def price(self) -> str:
        return self.price_field or DEFAULT_PRICE_FIELD

    @property
    def stock(self) -> str:
        return self.stock_field or DEFAULT_STOCK_FIELD

    @property
    def start(self) -> str:
        return self.start_field or DEFAULT_START_FIELD

    @property
    def end(self) -> str:
        return self.end_field or DEFAULT_END_FIELD


# Features that work on the entity the request named them with rather than the main one: the list
# features (query parameters the generated back end serves on GET /api/{plural} of every entity) and
# the record features (routes under /api/{plural}/{id}/ it adds to that one entity).
LIST_FEATURES = ("search", "sort", "filters", "pagination")
# Uploaded files and photos: one attachments module serves both (generation/backend.py).
FILE_FEATURES = ("file_upload", "media_gallery")
RECORD_FEATURES = ("comments", "ratings", "votes", *FILE_FEATURES)
# Files go on the main records whatever the request says next to them: in "apply with a CV upload" or
# "upload manuals to each device" the word beside the upload is the file, not its owner.
MENTION_TARGETED = (*LIST_FEATURES, *(f for f in RECORD_FEATURES if f not in FILE_FEATURES), "charts")
# The anchor key of what a booking books (entities.extract_request; no feature is named like it).
BOOKED = "booked"
BOOKER = "booker"
ENTITY_ROLES = ("main", "priced", "booking", "thing", "booker", "message", "score", *MENTION_TARGETED)


def _first(entities: list[str], names: tuple[str, ...]) -> str | None:
    return next((e for e in entities if e in names or e.rsplit("_", 1)[-1] in names), None)


def _has_field(fields: dict[str, list[EntityField]], entity: str, name: str) -> bool:
    return any(f.name == name for f in fields.get(entity, []))


@lru_cache(maxsize=1)
def _added_names() -> dict[str, dict[str, str]]:
    return load_yaml("grokorc_assets.planning", "data/added_entities.yaml")


def added_name(role: str, language: str) -> str:
    """The name of a record the planner adds for ``role``, in the project's language (English otherwise)."""
    names = _added_names()[role]
    return names.get(language, names["en"])


def complete_entities(entities: list[str], features: list[str], archetype: str, language: str = "en") -> list[str]:
    """The request's entities plus those its features cannot work without, in a stable order and named in
    the project's language."""
    out = list(dict.fromkeys(entities))
    if "booking" in features and _first(out, BOOKING_NAMES) is None:
        out.append(added_name("booking", language))
    if "booking" in features and not [e for e in out if e not in SUPPORTING]:
        out.insert(0, added_name("resource", language))  # "a booking system": something must be bookable
    if "chat" in features and _first(out, MESSAGE_NAMES) is None:
        out.append(added_name("message", language))
    if "leaderboard" in features and _first(out, SCORE_NAMES) is None:
        out.append(added_name("score", language))
    targeted = any(feature_table().get(f, _NO_FEATURE).target not in ("none", "each") for f in features)
    if not out and (targeted or archetype not in ("landing", "game")):
        out.append(added_name("item", language))  # a feature that works on records needs some records
    return out


def feature_roles(entities: list[str], fields: dict[str, list[EntityField]], features: list[str],
                  anchors: dict[str, str] | None = None, language: str = "en") -> Roles:
    """Roles from the request's own fields: the main entity is the first one the request described
    ("a nursery selling plants with name, price and stock" is about plants), else the first named."""
    # A record the request only links ("students enroll in courses" -> an enrollment of a course and a
    # student) is not one it described: its fields are references.
    described = [e for e in entities if e not in SUPPORTING
                 and any(not f.name.endswith("_id") for f in fields.get(e, []))]
    core = [*described, *(e for e in entities if e not in SUPPORTING and e not in described)]
    booking = _first(entities, BOOKING_NAMES) if "booking" in features else None
    message = _first(entities, MESSAGE_NAMES) if "chat" in features else None
    score = _first(entities, SCORE_NAMES) if "leaderboard" in features else None
    main = next(iter(core), None) or next((e for e in entities if e not in (booking, message, score)), None)
    main = main or (entities[0] if entities else "item")
    priced = price_field = stock_field = None
    if "checkout" in features:
        # What is sold: the first thing (not an order or a payment) the request gave a money field,
        # else one it gave a "price", else the main entity.
        priced = (next((e for e in core if checkout_fields(fields.get(e, []))[0]), None)
                  or next((e for e in entities if _has_field(fields, e, DEFAULT_PRICE_FIELD)), None) or main)
        price_field, stock_field = checkout_fields(fields.get(priced, []))
        price_field, stock_field = price_field or DEFAULT_PRICE_FIELD, stock_field or DEFAULT_STOCK_FIELD
    # What is booked: what the request named after a booking verb ("patients pick a dentist"), else the
    # first thing it is about.
    booked = (anchors or {}).get(BOOKED)
    thing = (booked if booked in core and booked != booking else next((e for e in core if e != booking), None)
             ) if booking else None
    booker = (anchors or {}).get(BOOKER)
    booker = booker if booking and booker in entities and booker not in (booking, thing) else None
    start_field, end_field = booking_fields(fields.get(booking, [])) if booking else (None, None)
    capacity_field = session_capacity(thing, fields.get(thing, []), language) if booking and thing else None
    if capacity_field:
        start_field = end_field = None  # a place in a session is booked, not a time
    elif booking and (defaults := booking_words().defaults.get(fold(booking))):
        start_field, end_field = start_field or defaults[0], end_field or defaults[1]
    # "anchors": the entity each list feature was named with in the request (entities.extract_request).
    # A record feature said next to people ("agents reply", "visitors vote") works on the thing they
    # reply to or vote on, not on the people: the main entity.
    targeted = {f: e for f, e in (anchors or {}).items()
                if f in MENTION_TARGETED and f in features and e in entities and e != main
                and not (f in RECORD_FEATURES and e in SUPPORTING)}
    return Roles(main=main, priced=priced, booking=booking, thing=thing, booker=booker, message=message, score=score,
                 price_field=price_field, stock_field=stock_field, start_field=start_field, end_field=end_field,
                 capacity_field=capacity_field, **targeted)


def _references(fields: list[EntityField], entity: str, entities: list[str]) -> list[EntityField]:
    """A field named like another entity of the plan refers to one of its records: "loans with book, member
    and due date" -> book_id and member_id (ids of the book and the member), not two free texts."""
    others = {e for e in entities if e != entity}
    out: dict[str, EntityField] = {}
    for f in fields:
        target = f.name if f.name in others else singular(f.name) if singular(f.name) in others else None
        ref = EntityField(name=f"{target}_id", type="int") if target else f
        out.setdefault(ref.name, ref)  # a draft may hold both "book" and "book_id"
    return list(out.values())


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    return frozenset(fold(w) for w in load_yaml("grokorc_assets.planning", "data/label_fields.yaml")["label"])


@lru_cache(maxsize=1)
def _contact_heads() -> frozenset[str]:
    return frozenset(fold(w) for w in load_yaml("grokorc_assets.planning", "data/label_fields.yaml")["contact_heads"])


def _is_label(field: EntityField) -> bool:
    name, words = fold(field.name), _label_words()
    if name.split("_", 1)[0] in _contact_heads():
        return False  # "phone_number" ends like "plate_number", but names nobody
    return field.type == "str" and (name in words or any(name.startswith(f"{w}_") or name.endswith(f"_{w}")
                                                         for w in words))


def _named_when_referred_to(fields: dict[str, list[EntityField]]) -> dict[str, list[EntityField]]:
    """A record others refer to is picked and shown by a name: "pets with species and age" that bookings
    refer to get a name first (data/label_fields.yaml says which fields already are one)."""
    referred = {f.name[:-3] for fs in fields.values() for f in fs if f.name.endswith("_id")}
    return {entity: [DEFAULT_FIELDS[0], *own] if entity in referred and not any(map(_is_label, own)) else own
            for entity, own in fields.items()}


@lru_cache(maxsize=1)
def typical_fields() -> dict[str, list[EntityField]]:
    """The fields a record named without any gets, by its folded name (data/typical_fields.yaml)."""
    raw = load_yaml("grokorc_assets.planning", "data/typical_fields.yaml")
    return {fold(name): [EntityField.model_validate(f) for f in fields] for name, fields in raw.items()}


def _add(fields: list[EntityField], name: str, kind: FieldType) -> list[EntityField]:
    return fields if any(f.name == name for f in fields) else [*fields, EntityField(name=name, type=kind)]


def complete_fields(
    entities: list[str], named: dict[str, list[EntityField]], features: list[str], roles: Roles | None = None
) -> dict[str, list[EntityField]]:
    """Each entity's fields: named ones first, then the fields its roles need.

    An entity the request gave no fields gets a name and a description, so it can be listed,
    searched and shown; every entity keeps at least one text field for search to work on.
    """
    out: dict[str, list[EntityField]] = {}
    for entity in entities:
        fields = _references(named.get(entity, []), entity, entities)
        typical = typical_fields().get(fold(entity)) if all(f.name.endswith("_id") for f in fields) else None
        if typical:  # "track expenses": an expense has an amount and a date
            fields = [DEFAULT_FIELDS[0], *typical, *fields]
        elif not any(f.type in ("str", "text") for f in fields):
            fields = [*DEFAULT_FIELDS[:1], *fields] if fields else list(DEFAULT_FIELDS)
        out[entity] = fields
    out = _named_when_referred_to(out)
    roles = roles or feature_roles(entities, named, features)
    if roles.priced:
        out[roles.priced] = _add(_add(out[roles.priced], roles.price, "float"), roles.stock, "int")
    if roles.booking and roles.capacity_field and roles.thing in out:
        # A session: its capacity is a whole number of places, whatever type its words suggested.
        out[roles.thing] = [f.model_copy(update={"type": "int"}) if f.name == roles.capacity_field else f
                            for f in _add(out[roles.thing], roles.capacity_field, "int")]
        booking = out[roles.booking]
    elif roles.booking:
        booking = _add(out[roles.booking], roles.end, "datetime")
        if not any(f.name == roles.start for f in booking):  # the start goes before the end
            at = next(i for i, f in enumerate(booking) if f.name == roles.end)
            booking = [*booking[:at], EntityField(name=roles.start, type="datetime"), *booking[at:]]
    if roles.booking:
        if roles.thing:
            booking = _add(booking, f"{roles.thing}_id", "int")
        if roles.booker:
            booking = _add(booking, f"{roles.booker}_id", "int")
        out[roles.booking] = booking
    if roles.message:
        out[roles.message] = [EntityField(name="room", type="str"), EntityField(name="author", type="str"),
                              EntityField(name="body", type="text")]
    if roles.score:
        out[roles.score] = [EntityField(name="player", type="str"), EntityField(name="score", type="int")]
    for saved in (e for e in entities if e in SAVED_NAMES and e != roles.main):
        out[saved] = _saved_fields(out[saved], bool(named.get(saved)), roles.main)
    # Again: a booking's references to what it books and who books were added above ("doctors have a
    # specialty": the doctor a booking names is picked by its name).
    return _named_when_referred_to(out)


def _with_values(fields: list[EntityField], value_fields: dict[str, list[str]]) -> list[EntityField]:
    """The main entity's fields with a field per listed word: "columns To do, Doing, Done" -> a column that
    is one of them (the request's own field of that name takes the values)."""
    out = list(fields)
    for name, values in value_fields.items():
        at = next((i for i, f in enumerate(out) if f.name == name), None)
        field = EntityField(name=name, type="str", choices=values)
        out = [*out[:at], field, *out[at + 1:]] if at is not None else [*out, field]
    return out


def _saved_fields(fields: list[EntityField], described: bool, main: str) -> list[EntityField]:
    """A favourite (bookmark, saved item) is of a record of the main entity, with a note when the request
    described it no further; one that already refers to something keeps its fields."""
    if any(f.name.endswith("_id") for f in fields):
        return fields
    own = fields if described else [EntityField(name="note", type="str")]
    return [*own, EntityField(name=f"{main}_id", type="int")]


def chart_of(roles: Roles, entity: str, fields: dict[str, list[EntityField]]) -> ChartQuery:
    """What the charts ask /api/stats for: the request's group, measure and period, else counts by
    ``feature_field``'s field (a period alone groups by the period only)."""
    by = roles.chart_by or (None if roles.chart_period else feature_field("charts", entity, fields))
    return ChartQuery(by=by, measure=roles.chart_measure, value=roles.chart_value, period=roles.chart_period,
                      date=roles.chart_date)


def _field_by_words(fields: list[EntityField], words: list[str]) -> tuple[list[EntityField], str | None]:
    """"sorted by price", "filters by salary and location": the named fields, added when the record lacks
    them (typed by their names), and the first of them, which the feature works on."""
    chosen = None
    for word in words:
        field = field_named(word, fields)
        if field is None:
            field = EntityField(name=word, type=field_type(word))
            fields = [*fields, field]
        chosen = chosen or field.name
    return fields, chosen


def _charted_entity(chart: ChartAsk, fields: dict[str, list[EntityField]], roles: Roles) -> str | None:
    """The entity whose fields the chart's words name most ("chart pages read per month": the books that
    have pages), else the one the chart was named with ("charts of repairs by status"), else the main one."""
    fits = {entity: named_fields(chart, own) for entity, own in fields.items()}
    best = max(fits.values(), default=0)
    if best:
        target = roles.target("charts")
        return target if fits.get(target) == best else next(e for e, n in fits.items() if n == best)
    return roles.charts


def _chart_text(template: str, query: ChartQuery, plural_name: str) -> str:
    """"Totals of amount of expenses grouped by category and month are served at /api/stats/...?by=..."."""
    measured = {"sum": f"Totals of {query.value} of", "average": f"Averages of {query.value} of"}.get(
        query.measure or "", "Counts of")
    group = " and ".join(x for x in (query.by, query.period) if x)
    params = "&".join(f"{k}={v}" for k, v in query.params().items())
    return template.format(measured=measured, plural=plural_name, group=group,
                           path=url_segment(plural_name), query=params)


def feature_field(feature: str, entity: str, fields: dict[str, list[EntityField]], chosen: str | None = None) -> str:
    """The field a sort, filter or chart works on: the one the request named (``chosen``, from the roles),
    else a number to sort, a short text to group by."""
    own = fields.get(entity, [])
    if chosen and any(f.name == chosen for f in own):
        return chosen
    if feature == "sort":
        numeric = [f.name for f in own if f.type in ("int", "float", "datetime")]
        return numeric[0] if numeric else own[0].name
    short = [f.name for f in own if f.type in ("str", "bool", "email")]
    return short[-1] if len(short) > 1 else (short or [own[0].name])[0]


def _label(entity: str) -> str:
    return entity.replace("_", " ")


def singular(word: str) -> str:
    head, _, last = word.rpartition("_")
    if last in uncountable():
        pass
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ses", "xes", "zes", "ches", "shes")) and len(last) > 4:
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return f"{head}_{last}" if head else last


def _targets(key: str, feature: FeatureDef, entities: list[str], roles: Roles) -> list[str | None]:
    if feature.target == "each":
        return list(entities)
    if feature.target == "none":
        return [None]
    if feature.target == "main":
        return [roles.target(key)]
    return [getattr(roles, feature.target)]


# What the command-line shape can deliver: records through commands, found and ordered.
CLI_FEATURES = frozenset({"crud", "search", "sort", "csv_export"})


def _not_buildable(key: str, feature: FeatureDef | None, archetype: str, has_ui: bool) -> Unmet | None:
    if feature is None:
        return Unmet(what=key, reason="not a feature the generator knows")
    if not feature.generated:
        return Unmet(what=feature.label, reason=feature.reason or "not generated offline")
    if archetype == "cli" and key not in CLI_FEATURES:
        return Unmet(what=feature.label, reason="a command-line program has no " + feature.label)
    if not has_ui and any(c.verify == "browser" for c in feature.criteria):
        return Unmet(what=feature.label, reason="it lives in a user interface and this project has none")
    return None


def _cli_text(text: str) -> str:
    # A CLI keeps the same promises through its commands instead of HTTP routes.
    return (text.split(" at /api/")[0].replace("with ?q=", "with list --search")
            .replace("export as CSV", "export as CSV with the export command")
            .replace("can be sorted by", "can be listed sorted by") + " through the command line")


# "a appointment" -> "an appointment"; "a user", "a unit" keep theirs (a "yoo" sound).
_AN_BEFORE = re.compile(r"\b([Aa]) (?=(?:[aeio]|u(?!ni|s[eu]|ti|r[aeiou]))\w)")


def _with_articles(text: str) -> str:
    return _AN_BEFORE.sub(lambda m: f"{m.group(1)}n ", text)


def _criterion_text(key: str, template: str, entity: str | None, fields: dict[str, list[EntityField]],
                    roles: Roles, language: str) -> str:
    if key == "charts" and entity:
        return _chart_text(template, chart_of(roles, entity, fields), plural(entity, language))
    return template.format(
        entity=_label(entity or ""), plural=plural(entity or "item", language),
        field=feature_field(key, entity, fields, getattr(roles, f"{key}_field", None)) if entity else "",
        path=url_segment(plural(entity or "item", language)),
        thing=_label(roles.thing or "thing"), price=roles.price, stock=roles.stock,
        capacity=(roles.capacity_field or "").replace("_", " "),
        twice=f", and a {_label(roles.booker)} cannot book the same {_label(roles.thing or 'thing')} twice"
        if roles.booker else "")


def derive_acceptance(
    entities: list[str], fields: dict[str, list[EntityField]], features: list[str], *,
    archetype: str = "", has_ui: bool = True, roles: Roles | None = None, language: str = "en",
) -> tuple[list[AcceptanceCriterion], list[Unmet]]:
    """Criteria for CRUD on every entity and for each generated feature; unmet for the rest."""
    table = feature_table()
    roles = roles or feature_roles(entities, fields, features)
    criteria: list[AcceptanceCriterion] = []
    unmet: list[Unmet] = []
    for key in ["crud", *[f for f in features if f not in ("crud", LISTED_VALUES)]]:
        feature = table.get(key)
        if (missing := _not_buildable(key, feature, archetype, has_ui)) is not None:
            unmet.append(missing)
            continue
        for entity in _targets(key, feature, entities, roles):
            if feature.target != "none" and entity is None:
                continue
            templates = feature.session_criteria if key == "booking" and roles.capacity_field else feature.criteria
            for template in templates:
                text = _criterion_text(key, template.text, entity, fields, roles, language)
                verify = "cli" if archetype == "cli" else template.verify
                text = _with_articles(_cli_text(text) if verify == "cli" else text)
                criteria.append(AcceptanceCriterion(
                    id=f"ac{len(criteria) + 1:02d}", text=text[:1].upper() + text[1:], feature=key,
                    entity=entity, verify=verify))
    if archetype != "cli":
        criteria += _listed_values_criteria(entities, fields, len(criteria))
    return criteria, unmet


def _listed_values_criteria(entities: list[str], fields: dict[str, list[EntityField]], before: int
                            ) -> list[AcceptanceCriterion]:
    """One criterion per field the request listed the values of: "status (open, in progress, done)"."""
    out = []
    template = feature_table()[LISTED_VALUES].criteria[0]
    for entity in entities:
        for field in (f for f in fields.get(entity, []) if f.choices):
            text = template.text.format(entity=_label(entity), field=field.name.replace("_", " "),
                                        values=", ".join(field.choices))
            out.append(AcceptanceCriterion(id=f"ac{before + len(out) + 1:02d}", text=text[:1].upper() + text[1:],
                                           feature=LISTED_VALUES, entity=entity, verify=template.verify))
    return out


class Contract(BaseModel):
    """What a plan promises: its entities with their fields, who plays which role, the criteria, the unmet."""

    entities: list[str]
    fields: dict[str, list[EntityField]]
    roles: Roles
    acceptance: list[AcceptanceCriterion]
    unmet: list[Unmet]


def _times_to_booking(named: dict[str, list[EntityField]], roles: Roles) -> dict[str, list[EntityField]]:
    """"customers rent bikes with a pickup date and a return date": the dates are the rental's, when the
    request gave the booking none and the booked thing both. Returns ``named`` itself when nothing moves."""
    booking, thing = roles.booking, roles.thing
    if not booking or not thing or roles.capacity_field or any(booking_fields(named.get(booking, []))):
        return named
    start, end = booking_fields(named.get(thing, []))
    if not (start and end):
        return named
    times = [f for f in named[thing] if f.name in (start, end)]
    return {**named, thing: [f for f in named[thing] if f not in times], booking: [*named.get(booking, []), *times]}


def derive_contract(archetype: str, has_ui: bool, entities: list[str], named: dict[str, list[EntityField]],
                    features: list[str], *, language: str = "en", anchors: dict[str, str] | None = None,
                    described: dict[str, list[EntityField]] | None = None,
                    value_fields: dict[str, list[str]] | None = None, chart: ChartAsk | None = None,
                    by_fields: dict[str, list[str]] | None = None) -> Contract:
    """The one derivation every plan goes through (offline, LLM, or an older plan): roles are decided
    here once, from what the request named, and stored so that every generator reads the same.
    ``described``: the fields the request itself gave, when ``named`` also holds fields added since
    (a draft's defaults): the main entity is the first the request described."""
    entities = complete_entities(entities, features, archetype, language)
    roles = feature_roles(entities, described or named, features, anchors, language)
    moved = _times_to_booking(named, roles)
    if moved is not named:
        named = moved
        roles = feature_roles(entities, moved if described is None else described, features, anchors, language)
        roles = roles.model_copy(update=dict(zip(("start_field", "end_field"),
                                                 booking_fields(moved.get(roles.booking, [])), strict=True)))
    fields = complete_fields(entities, named, features, roles)
    if value_fields and roles.main in fields:
        fields[roles.main] = _with_values(fields[roles.main], value_fields)
    for feature, words in (by_fields or {}).items():
        target = roles.target(feature)
        if feature in features and target in fields:
            fields[target], chosen = _field_by_words(fields[target], words)
            roles = roles.model_copy(update={f"{feature}_field": chosen})
    if chart is not None and "charts" in features:
        roles = roles.model_copy(update={"charts": _charted_entity(chart, fields, roles)})
        charted = roles.target("charts")
        if charted in fields:
            query, fields[charted] = chart_query(chart, fields[charted], language,
                                                 [e for e in entities if e != charted])
            roles = roles.model_copy(update={f"chart_{key}": value for key, value in query.model_dump().items()})
    criteria, unmet = derive_acceptance(entities, fields, features, archetype=archetype, has_ui=has_ui, roles=roles,
                                        language=language)
    return Contract(entities=entities, fields=fields, roles=roles, acceptance=criteria, unmet=unmet)


def complete_plan(plan: Plan) -> Plan:
    """A plan with fields, roles, criteria and unmet items, derived when it lacks them (an older plan).

    Idempotent: a plan that already carries acceptance criteria is returned as it is.
    """
    if plan.acceptance or plan.unmet:
        return plan
    features = canonical_features(plan.features)
    contract = derive_contract(plan.archetype, plan.has_ui, plan.entities, plan.fields, features,
                               language=plan.language)
    return plan.model_copy(update={"features": features, **contract_fields(contract)})


def contract_fields(contract: Contract) -> dict:
    """The contract as Plan fields."""
    return {"entities": contract.entities, "fields": contract.fields,
            "roles": {k: v for k, v in contract.roles.model_dump().items() if v},
            "acceptance": contract.acceptance, "unmet": contract.unmet}
