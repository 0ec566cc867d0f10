"""What a chart shows, as the request says it: "monthly totals per category", "revenue by region",
"average rating per genre", "gastos mensuales por categoría".

Two steps, like the rest of the planner: ``read_chart`` keeps the request's words (the words after a
group marker, the measure and the words it names, the period) without knowing the plan's fields;
``chart_query`` matches them with the main entity's fields once the contract has them. A word that
matches no field is dropped, so "price per night" or "two tasks per day" in a request with a chart
change nothing. Word lists: data/charts.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import EntityField
from grokorc_assets.planning.text import fold

Period = Literal["day", "week", "month", "year"]
Measure = Literal["sum", "average"]
NUMERIC = ("float", "int")
# The tokens that end a sentence (as planning.entities.tokenize writes them).
_SENTENCE_END = frozenset({".", "!", "?", ";", ":", "\n"})


class ChartAsk(BaseModel):
    """The request's words for its chart, before they are matched with fields."""

    model_config = ConfigDict(extra="forbid")

    groups: list[str] = Field(default_factory=list)  # words after a group marker: "per category" -> category
    values: list[str] = Field(default_factory=list)  # words a measure may be of: "total amount" -> amount
    # "revenue per region": (revenue, region); the first word is a value only when the second is a group
    # ("price per night" says nothing of the chart when night is no field)
    per: list[tuple[str, str]] = Field(default_factory=list)
    # Every other word of a sentence that names a chart: "chart pages read per month" measures the pages
    # when pages is a number field.
    mentioned: list[str] = Field(default_factory=list)
    measure: Measure | None = None
    period: Period | None = None


class ChartQuery(BaseModel):
    """What the plan's charts ask GET /api/stats/{plural} for, in the main entity's field names."""

    by: str | None = None  # the field rows are grouped by
    measure: Measure | None = None  # None: rows count records
    value: str | None = None  # the number a measure totals or averages
    period: Period | None = None  # rows are also grouped by the period of ``date``
    date: str | None = None

    def params(self) -> dict[str, str]:
        """The query string's parameters: by, sum or average, period and date."""
        out = {"by": self.by} if self.by else {}
        if self.measure and self.value:
            out[self.measure] = self.value
        if self.period and self.date:
            out |= {"period": self.period, "date": self.date}
        return out


class _Word(Protocol):
    low: str
    sing: str
    word: bool


@dataclass(frozen=True)
class ChartWords:
    group_markers: tuple[tuple[str, ...], ...]
    skip: frozenset[str]
    not_after: frozenset[str]
    periodic: dict[str, Period]
    periods: dict[str, Period]
    sums: tuple[tuple[str, ...], ...]
    spending: tuple[tuple[str, ...], ...]  # a measure only in a sentence that names a chart
    averages: tuple[tuple[str, ...], ...]
    chart: frozenset[str]
    date_field: str
    # "totals", "average": a measure, never a record of the app (money words may be: "income and expenses")
    measure_nouns: frozenset[str]
    money: frozenset[str]  # the money words, as written


@lru_cache(maxsize=8)
def chart_words(language: str) -> ChartWords:
    """One language's chart words (English for a language the file lacks)."""
    table = load_yaml("grokorc_assets.planning", "data/charts.yaml")["languages"]
    raw = table.get(language) or table["en"]

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        # Longest first, so that "grouped by" wins over "by".
        return tuple(sorted((tuple(p.split()) for p in raw[key]), key=len, reverse=True))

    def by_word(key: str) -> dict[str, Period]:
        return {word: period for period, words in raw[key].items() for word in words}

    return ChartWords(
        group_markers=phrases("group_markers"), skip=frozenset(raw["skip"]), not_after=frozenset(raw["not_after"]),
        periodic=by_word("periodic"), periods=by_word("periods"),
        sums=tuple(sorted((*phrases("sum_words"), *phrases("money_words")), key=len, reverse=True)),
        spending=phrases("spending_words"),
        averages=phrases("average_words"), date_field=raw["date_field"],
        # Unaccented spellings name a chart too ("graficos").
        chart=frozenset(w for word in raw["chart_words"] for w in (word, fold(word))),
        measure_nouns=frozenset(w for w in (*raw["sum_words"], *raw["average_words"]) if " " not in w),
        money=frozenset(w for w in raw["money_words"] if " " not in w))


def _sentences(toks: Sequence[_Word]) -> list[list[int]]:
    """The indexes of each sentence's words."""
    out: list[list[int]] = [[]]
    for i, t in enumerate(toks):
        if not t.word and t.low in _SENTENCE_END:
            out.append([])
        elif t.word:
            out[-1].append(i)
    return [s for s in out if s]


def _match(lows: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """The length of the first phrase that starts at ``at``, or 0."""
    return next((len(p) for p in phrases if tuple(lows[at:at + len(p)]) == p), 0)


def _after(sentence: list[_Word], at: int, words: ChartWords) -> _Word | None:
    while at < len(sentence) and sentence[at].low in words.skip:
        at += 1
    return sentence[at] if at < len(sentence) else None


def _about_a_chart(lows: list[str], words: ChartWords) -> bool:
    """A sentence names a chart, or a measure with a group or a period ("monthly totals per category").
    A period alone is no chart ("Diário de corridas"), nor is a measure alone ("orders with total")."""
    if any(w in words.chart for w in lows):
        return True
    measured = any(_match(lows, i, words.sums) or _match(lows, i, words.averages) for i in range(len(lows)))
    grouped = any(w in words.periodic for w in lows) or any(
        _match(lows, i, words.group_markers) for i in range(len(lows)))
    return measured and grouped


def named_fields(ask: ChartAsk, fields: list[EntityField]) -> int:
    """How many of the chart's words name one of these fields: the charted entity is the one they fit."""
    said = {*ask.groups, *ask.values, *(value for value, _ in ask.per), *ask.mentioned}
    return sum(1 for f in fields if any(field_named(w, [f], exact=True) for w in said))


def chart_positions(toks: Sequence[_Word], language: str) -> tuple[set[int], set[int]]:
    """The indexes of the words of every sentence that names a chart ("graph", "gráfico", "Diagramm"), and
    of those a chart is said to be of: within three words of the chart's name ("gráfico de ingresos
    mensuales") or before a group marker ("Umsatz pro Kunde")."""
    words = chart_words(language)
    charted: set[int] = set()
    of_chart: set[int] = set()
    for sentence in _sentences(toks):
        lows = [toks[j].low for j in sentence]
        names = [k for k, low in enumerate(lows) if low in words.chart]
        if names:
            charted.update(sentence)
            of_chart.update(j for k, j in enumerate(sentence)
                            if any(abs(k - n) <= 3 for n in names) or _match(lows, k + 1, words.group_markers))
    return charted, of_chart


def read_chart(toks: Sequence[_Word], language: str) -> ChartAsk:
    """The chart words of every sentence that speaks of a chart, a measure or a period."""
    words = chart_words(language)
    ask = ChartAsk()
    for indexes in _sentences(toks):
        sentence = [toks[i] for i in indexes]
        lows = [t.low for t in sentence]
        if not _about_a_chart(lows, words):
            continue
        charted = any(low in words.chart for low in lows)
        if charted:
            ask.mentioned += [t.sing for t in sentence]
        for i, low in enumerate(lows):
            ask.period = ask.period or words.periodic.get(low)
            if charted and _match(lows, i, words.spending):
                ask.measure = ask.measure or "sum"
            elif (n := _match(lows, i, words.sums) or _match(lows, i, words.averages)):
                ask.measure = ask.measure or ("average" if _match(lows, i, words.averages) else "sum")
                # "revenue" may be a field itself; "total amount": the word after it; "importe total",
                # "note moyenne": the word before it.
                after, before = _after(sentence, i + n, words), sentence[i - 1] if i else None
                ask.values += [sentence[i].sing, *(w.sing for w in (after, before) if w)]
            elif (n := _match(lows, i, words.group_markers)) and not words.not_after & set(lows[max(0, i - 3):i]):
                _read_group(sentence, i, n, words, ask)
    return ask


def _read_group(sentence: list[_Word], at: int, length: int, words: ChartWords, ask: ChartAsk) -> None:
    """"per category": a field to group by; "per month": a period; "revenue per region": revenue is a value."""
    word = _after(sentence, at + length, words)
    if word is None:
        return
    period = words.periods.get(word.low) or words.periodic.get(word.low)
    if period:
        ask.period = ask.period or period
    else:
        ask.groups.append(word.sing)
    if at:
        ask.per.append((sentence[at - 1].sing, "" if period else word.sing))


def field_named(word: str, fields: list[EntityField], *, exact: bool = False) -> EntityField | None:
    """The field a word names: the same name, then (unless ``exact``) a name it starts or ends ("date" ->
    due_date, "customer" -> customer_id)."""
    key = fold(word).replace(" ", "_")
    names = [(fold(f.name), f) for f in fields]
    # The request's word is singular ("page"); a field may keep its plural ("pages", "hours").
    same = next((f for n, f in names if n in (key, f"{key}s", f"{key}es")), None)
    if same is not None or exact:
        return same
    return next((f for n, f in names if n.endswith(f"_{key}") or n.startswith(f"{key}_")), None)


def chart_query(ask: ChartAsk | None, fields: list[EntityField], language: str, others: Sequence[str] = ()
                ) -> tuple[ChartQuery, list[EntityField]]:
    """The query the charts make of the charted entity, and its fields (with what the chart needs).

    The group is the first word that names a field; else the first group word becomes one ("charts of
    repairs by status": a repair's status; "by customer", another entity: its id). The measure's value is
    the first word that names a number field, else the first money field, else the first number; a period
    is of the first date field, added when there is none.
    """
    if ask is None:
        return ChartQuery(), fields
    by = next((f.name for f in (field_named(w, fields) for w in ask.groups) if f is not None), None)
    if by is None and (word := next((w for w in ask.groups if w.isalpha()), None)):
        field = EntityField(name=f"{word}_id", type="int") if word in others else EntityField(name=word)
        fields, by = [*fields, field], field.name
    fields = _numbers_by_measure(ask, fields)
    value = _measured(ask, fields)
    date = next((f.name for f in fields if f.type == "datetime"), None) if ask.period else None
    if ask.period and date is None:
        date = chart_words(language).date_field
        fields = [*fields, EntityField(name=date, type="datetime")]
    measure = (ask.measure or "sum") if value else None
    return ChartQuery(by=by, measure=measure, value=value, period=ask.period, date=date), fields


def _numbers_by_measure(ask: ChartAsk, fields: list[EntityField]) -> list[EntityField]:
    """A free-text field a measure names is a number: "average pages", "total kwh", "liters per week" say
    so even when the field's name did not ("páginas", "kwh" are typed as text by their names)."""
    named = {*ask.values, *(value for value, group in ask.per if not group)} if ask.measure or ask.per else set()
    retyped = {f.name for f in (field_named(w, fields, exact=True) for w in named)
               if f is not None and f.type == "str" and not f.choices}
    return [f.model_copy(update={"type": "float"}) if f.name in retyped else f for f in fields]


def _measured(ask: ChartAsk, fields: list[EntityField]) -> str | None:
    """The number a chart measures: one the measure or a group names, else one its sentence names, else
    (with a measure) the first money field, else the first number."""
    unrelated = {value for value, group in ask.per if group and not field_named(group, fields)}
    related = [value for value, _ in ask.per if value not in unrelated]
    for words in ([*ask.values, *related], [w for w in ask.mentioned if w not in unrelated]):
        named = [f for f in (field_named(w, fields, exact=True) for w in words)
                 if f is not None and f.type in NUMERIC and not f.name.endswith("_id")]
        if named:
            return named[0].name
    if ask.measure is None:
        return None
    numbers = [f for f in fields if f.type in NUMERIC and not f.name.endswith("_id")]
    pick = [f for f in numbers if f.type == "float"] or numbers
    return pick[0].name if pick else None
