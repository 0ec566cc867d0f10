"""A request's own nouns, named fields, features and negations, read offline without a language model.

No part-of-speech tagger can be installed here, so a noun is recognised by where it stands: after
"with" or ":" (a list of the app's things), in a list "X, Y and Z", after a domain verb ("track
expenses"), before a word naming the app ("bookshop", "pet store", "recipe sharing site"), as the
subject of "where members book courts". Word lists in ``data/entities.yaml`` say which words are
never things (generic words, people in general, features). Negations ("no login", "we do not want
React", "instead of Django") mark a span whose features and technologies are excluded.

Pure and deterministic: same text, same ``RequestModel``; no Dagster, no I/O beyond package data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import EntityField
from grokorc_assets.planning.acceptance import (
    BOOKED,
    BOOKER,
    BOOKING_NAMES,
    MENTION_TARGETED,
    booking_words,
    field_type,
    session_capacity,
)
from grokorc_assets.planning.charts import ChartAsk, chart_positions, chart_words, read_chart
from grokorc_assets.planning.lexicon import load_aliases, load_lexicons
from grokorc_assets.planning.plurals import uncountable
from grokorc_assets.planning.text import fold

MAX_ENTITIES = 8
MAX_NAME = 40
MAX_NEGATION_SPAN = 8
NAME_RE = re.compile(r"^[^\W\d][\w]*$")
# Words (letters, inner apostrophes), numbers, or one punctuation mark.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]")
_SENTENCE_END = {".", "!", "?", ";", "\n"}
VALUE_SLOT = "value"  # a phrase that is a value of a field ("Doing" of "columns To do, Doing and Done")


class RequestModel(BaseModel):
    """What the request itself says: its nouns, their named fields, features and exclusions."""

    model_config = ConfigDict(extra="forbid")

    language: str = "en"
    entities: list[str] = Field(default_factory=list)
    fields: dict[str, list[EntityField]] = Field(default_factory=dict)
    features: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    # The entity a list feature is named with ("rehearsals sorted by date" -> sort: rehearsal).
    anchors: dict[str, str] = Field(default_factory=dict)
    # Values a word such as "columns" lists, by that word in the singular: {"column": ["To do", "Done"]}.
    value_fields: dict[str, list[str]] = Field(default_factory=dict)
    # What a chart shows, in the request's words ("monthly totals per category").
    chart: ChartAsk = Field(default_factory=ChartAsk)
    # The fields a list feature was asked by, in the request's words: "sorted by price" -> {"sort": ["price"]},
    # "filters by salary and location" -> {"filters": ["salary", "location"]}.
    by_fields: dict[str, list[str]] = Field(default_factory=dict)
    # Records that act on other records ("members borrow tools", "freelancers create invoices"): people
    # working on shared records, which no terminal program serves.
    actors: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Lang:
    """One language's word lists, compiled for lookup."""

    code: str
    markers: frozenset[str]
    connectors: tuple[Phrase, ...]
    openers: tuple[Phrase, ...]
    clause: tuple[Phrase, ...]
    negators: tuple[Phrase, ...]
    negation_ends: frozenset[str]
    negation_resumes: tuple[Phrase, ...]  # "and use": what follows a negated span is wanted again
    negators_after: tuple[Phrase, ...]  # "is not allowed": negates the clause before it
    subject_cues: tuple[Phrase, ...]
    skip: frozenset[str]
    stop: frozenset[str]
    verbs: frozenset[str]
    generic: frozenset[str]
    app_words: frozenset[str]
    soft_suffixes: frozenset[str]
    glued: tuple[str, ...]
    venues: frozenset[str]
    back_references: frozenset[str]  # "rate them": the feature works on what was named before
    verb_records: dict[str, str]  # verb form -> the record it creates ("borrows" -> loan)
    place_records: frozenset[str]  # verb records that book a place in a session ("enroll in courses")
    time_records: frozenset[str]  # verb records that book their object for a time ("borrow books")
    authoring_verbs: frozenset[str]  # "companies post jobs": each job refers to its company
    object_prepositions: frozenset[str]
    prepositions: frozenset[str]  # words that link two things without being a verb ("books about dogs")
    assigning_verbs: frozenset[str]  # "tickets are assigned to agents": each ticket refers to its agent
    assigned_to: frozenset[str]
    booking_verbs: tuple[Phrase, ...]
    # "walkers book walks": between two entities these verbs ask for bookings (alone, "book" is a noun)
    booking_feature_verbs: frozenset[str]
    each_words: frozenset[str]  # "each", "cada": "name and phone of each member" names the owner after
    value_lists: frozenset[str]  # "columns", "statuses": what they list are values, not records
    default_board: dict  # {"words": ["kanban"], "field": "column", "values": [...]}: a board named bare
    containers: frozenset[str]  # "tracker", "board": a project that holds what follows its "for"
    saved_words: dict[str, str]  # "favourites" -> favourite: "save favourite jobs" keeps favourites of jobs
    saving_cues: frozenset[str]  # "save", "list of": a saved word right after one makes a saved list
    paired: frozenset[str]  # "start", "end": listed together they share one head ("start and end date")
    field_modifiers: frozenset[str]  # "next", "latest": part of the field named after them in a field list
    possession_links: frozenset[str]  # "have", "has": what follows in the singular is a field
    people: frozenset[str]
    field_words: frozenset[str]
    compound_heads: frozenset[str]
    joined: frozenset[str]  # "help_desk": two words read as one
    also_entities: frozenset[str]
    head_first: bool
    of_words: frozenset[str]
    rules: tuple[tuple[str, str, int], ...]
    irregular: dict[str, str]
    keep: frozenset[str]
    features: tuple[tuple[str, Phrase, bool], ...]  # (feature key, form, exact)
    adjective_suffixes: tuple[str, ...]
    participle_suffixes: tuple[str, ...]  # "ed", "ly": participles and adverbs, never nouns
    participle_nouns: tuple[str, ...]  # nouns that end like them ("flowerbed", "assembly")
    markers_function: frozenset[str]  # one-word connectors, openers, clause and negation words
    verb_cues: frozenset[str]  # words a domain verb follows as a verb ("to", "para", "pour", "onde")
    plural_verb_endings: tuple[str, ...]  # "an", "en": "hagan pedidos", "elijan ingredientes"
    plural_verb_nouns: tuple[str, ...]  # nouns that end like those verbs: "imagen", "mensagem"
    # French: "-ent" before an article is a verb ("les passagers ... notent le conducteur"); a noun in
    # -ent is followed by its adjective or "de" ("paiement sécurisé", "événement du club").
    article_verb_endings: tuple[str, ...]
    object_articles: frozenset[str]
    partitive_articles: frozenset[str]  # "des", "du": after a noun too ("paiement des factures")
    shop_words: frozenset[str]  # "Shop für Kerzen": what follows the shop and "für" is sold there
    things_as_objects: frozenset[str]  # app words that are things as a verb's plural object ("lend tools")
    pronouns_before_verbs: frozenset[str]  # "lo que prestan", "se valoran": a pronoun, then the verb
    topic_words: frozenset[str]  # "cooking", "travel": what an app is about, not a record it holds
    infinitive_endings: tuple[str, ...]  # "dejar", "noter": after a modal (`verb_cues`) a verb


def _phrases(items: list[str]) -> tuple[Phrase, ...]:
    out = {tuple(_lows(str(i))) for i in items}
    return tuple(sorted((p for p in out if p), key=lambda p: (-len(p), p)))  # longest first


def _lows(text: str) -> list[str]:
    return [m.group(0).lower() for m in _TOKEN_RE.finditer(text) if m.group(0) != "-"]


def _words(items: list[str]) -> frozenset[str]:
    """Single words and multi-word entries joined with "_" (matched against joined phrases)."""
    return frozenset("_".join(_lows(str(i))) or str(i) for i in items)


def _verb_forms(verbs: list[str], code: str) -> frozenset[str]:
    if code != "en":
        return _words(verbs)
    out: set[str] = set()
    for verb in verbs:
        v = str(verb).split()[0]
        stem = v[:-1] if v.endswith("e") and len(v) > 3 else v
        out |= {v, v + "s", v + "es", stem + "ing", stem + "ed", v + "d"}
    return frozenset(out)


def _feature_forms(lang_forms: dict[str, list[str]], false_friends: list[str]) -> tuple:
    english = load_lexicons().features
    banned = {str(f).lower() for f in false_friends}
    out = []
    for source, ban in ((english, banned), (lang_forms, set())):
        for key, forms in source.items():
            for form in forms:
                exact = str(form).startswith("=")
                phrase = tuple(_lows(str(form).lstrip("=")))
                if phrase and " ".join(phrase) not in ban:
                    out.append((key, phrase, exact))
    return tuple(out)


def _lang(code: str, raw: dict, common: dict) -> Lang:
    def words(key: str) -> frozenset[str]:
        return _words([*raw.get(key, []), *common.get(key, [])])

    return Lang(
        code=code, markers=_words(raw["markers"]), connectors=_phrases(raw["connectors"]),
        openers=_phrases(raw["openers"]), clause=_phrases(raw["clause"]),
        negators=_phrases(raw["negators"]), negation_ends=_words(raw["negation_ends"]),
        negation_resumes=_phrases(raw.get("negation_resumes", [])),
        negators_after=_phrases(raw.get("negators_after", [])),
        subject_cues=_phrases(raw["subject_cues"]), skip=words("skip"),
        stop=frozenset(w for s in [*raw["stop"], *common["stop"]] for w in _lows(str(s))),
        verbs=_verb_forms(raw["verbs"], code), generic=words("generic"), app_words=words("app_words"),
        soft_suffixes=words("soft_suffixes"), glued=tuple(raw.get("glued", [])), venues=words("venues"),
        back_references=words("back_references"),
        verb_records={form.lower(): record for record, forms in (raw.get("verb_records") or {}).items()
                      for form in forms},
        place_records=words("place_records"), time_records=words("time_records"),
        authoring_verbs=words("authoring_verbs"),
        object_prepositions=words("object_prepositions"), prepositions=words("prepositions"),
        assigning_verbs=words("assigning_verbs"), assigned_to=words("assigned_to"),
        booking_verbs=_phrases(raw.get("booking_verbs", [])),
        booking_feature_verbs=words("booking_feature_verbs"),
        each_words=words("each_words"), value_lists=words("value_lists"), paired=words("paired"),
        field_modifiers=words("field_modifiers"), possession_links=words("possession_links"),
        default_board=raw.get("default_board") or {}, containers=words("containers"),
        saved_words={form.lower(): record for record, forms in (raw.get("saved_words") or {}).items()
                     for form in forms},
        saving_cues=words("saving_cues"),
        people=words("people"), field_words=words("field_words"), compound_heads=words("compound_heads"),
        joined=words("joined"),
        also_entities=_words(common["also_entities"]), head_first=bool(raw["head_first"]),
        of_words=_words(raw["of_words"]), rules=tuple((s, r, int(n)) for s, r, n in raw["singular"]),
        irregular={str(k): str(v) for k, v in (raw.get("irregular") or {}).items()},
        keep=_words(raw.get("keep", [])),
        features=_feature_forms(raw.get("features") or {}, raw.get("false_friends", [])),
        adjective_suffixes=tuple(raw.get("adjective_suffixes", [])),
        participle_suffixes=tuple(raw.get("participle_suffixes", [])),
        participle_nouns=tuple(raw.get("participle_nouns", [])),
        verb_cues=_words([*raw.get("verb_cues", [])]),
        plural_verb_endings=tuple(raw.get("plural_verb_endings", [])),
        plural_verb_nouns=tuple(raw.get("plural_verb_nouns", [])),
        article_verb_endings=tuple(raw.get("article_verb_endings", [])),
        object_articles=words("object_articles"), partitive_articles=words("partitive_articles"),
        shop_words=words("shop_words"), things_as_objects=words("things_as_objects"),
        pronouns_before_verbs=words("pronouns_before_verbs"), topic_words=words("topic_words"),
        infinitive_endings=tuple(raw.get("infinitive_endings", [])),
        markers_function=frozenset(
            p[0] for key in ("connectors", "openers", "clause", "negators", "subject_cues", "of_words")
            for p in _phrases(raw[key]) if len(p) == 1),
    )


@lru_cache(maxsize=1)
def load_languages() -> dict[str, Lang]:
    data = load_yaml("grokorc_assets.planning", "data/entities.yaml")
    return {code: _lang(code, raw, data["common"]) for code, raw in data["languages"].items()}


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------


@dataclass
class Tok:
    raw: str
    low: str
    sing: str = ""
    word: bool = True
    glued: bool = False  # joined to the previous word by a hyphen ("check-ins")
    start: bool = False  # first word of a sentence: its capital is no evidence
    negated: bool = False
    feature: bool = False  # part of a feature mention
    verb: bool = False


def tokenize(message: str) -> list[Tok]:
    out: list[Tok] = []
    start, prev_end = True, -1
    for m in _TOKEN_RE.finditer(message):
        raw = m.group(0)
        if raw in "-/" and message[m.start() - 1 : m.start()].isalnum() and message[m.end() : m.end() + 1].isalpha():
            continue  # a hyphen or slash inside a compound: the next word is glued
        glued = out and out[-1].word and message[prev_end : m.start()] in ("-", "/")
        prev_end = m.end()
        if not raw[0].isalnum():
            out.append(Tok(raw, raw, raw, word=False))
            start = start or raw in _SENTENCE_END
            continue
        for part in _split_apostrophe(raw):
            out.append(Tok(part, part.lower(), glued=bool(glued), start=start))
            glued, start = False, False
    return out


def _split_apostrophe(raw: str) -> list[str]:
    """French elision ("l'application" -> "l", "application"); "everyone's" -> "everyone"."""
    head, sep, tail = raw.replace("’", "'").partition("'")
    if not sep:
        return [raw]
    if len(head) <= 2 and head.lower() in {"l", "d", "j", "qu", "n", "s", "c", "m", "t"}:
        return [head, tail]
    if tail.lower() == "s":
        return [head]
    return [raw.replace("’", "'")]


def singular(word: str, lang: Lang) -> str:
    """Per-language plural folding by ordered suffix rules ("libros" -> "libro", "ciudades" -> "ciudad")."""
    if word in lang.irregular:
        return lang.irregular[word]
    if lang.code == "de":  # a compound's plural is its last word's: "Röntgenbildern" -> "röntgenbild"
        tail = next((k for k in _irregular_tails(lang.code) if word.endswith(k) and len(word) - len(k) >= 3), None)
        if tail:
            return word[: len(word) - len(tail)] + lang.irregular[tail]
    if word in lang.keep or not word.isalpha():
        return word
    if lang.code == "de":
        known = _known_stem(word, lang)
        if known:
            return known
    for suffix, replacement, minimum in lang.rules:
        if len(word) >= minimum and word.endswith(suffix):
            return word[: len(word) - len(suffix)] + replacement
    return word


@cache
def _irregular_tails(code: str) -> tuple[str, ...]:
    """The language's irregular plurals long enough to end a compound, longest first."""
    return tuple(sorted((k for k in load_languages()[code].irregular if len(k) >= 4), key=len, reverse=True))


def _known_stem(word: str, lang: Lang) -> str | None:
    """A German plural whose singular is a word the lists or the glossary know: "Preisen", "Preise" ->
    preis, "Zeiten" -> zeit, "Namen" -> name (the suffix rules alone make "preise" and "zeite")."""
    known = _known_nouns(lang.code)
    for cut in (2, 1):  # "-en"/"-er" before "-e"/"-n"
        stem = word[:-cut]
        if len(stem) >= 3 and word[-cut:] in ("en", "e", "n") and stem in known:
            return lang.irregular.get(stem, stem)  # "Ergebnissen" -> ergebnisse, itself a plural
    return None


@cache
def _known_nouns(code: str) -> frozenset[str]:
    """Singular words the planner knows in a language: its field words, `keep` words and glossary keys."""
    lang = load_languages()[code]
    glossary = load_yaml("grokorc_assets.planning", "data/glossary.yaml").get(code, {})
    return frozenset({*lang.field_words, *lang.keep, *(str(k).lower() for k in glossary)})


def detect_language(toks: list[Tok]) -> Lang:
    """The language whose marker words occur most (English on a tie: it is the lingua franca here)."""
    langs = load_languages()
    lows = [t.low for t in toks if t.word]
    scores = {code: sum(w in lang.markers for w in lows) for code, lang in langs.items()}
    best = max(scores, key=lambda c: (scores[c], c == "en"))
    return langs[best] if scores[best] > scores["en"] else langs["en"]


def _at(toks: list[Tok], i: int, phrases: tuple[Phrase, ...]) -> int:
    """Length of the longest phrase starting at token i (0: none)."""
    for phrase in phrases:
        n = len(phrase)
        if i + n <= len(toks) and all(toks[i + j].low == phrase[j] for j in range(n)):
            return n
    return 0


# --------------------------------------------------------------------------------------------
# Features and negation
# --------------------------------------------------------------------------------------------


def _mark_negations(toks: list[Tok], lang: Lang) -> None:
    """Tokens after a negator up to the end of its clause are negated ("no user accounts, ...")."""
    i = 0
    while i < len(toks):
        n = _at(toks, i, lang.negators)
        if not n or (i + n < len(toks) and toks[i + n].low == "only"):  # "not only X but Y" is no negation
            i += 1
            continue
        j = i + n
        while j < len(toks) and j - i <= MAX_NEGATION_SPAN and toks[j].low not in lang.negation_ends \
                and not _at(toks, j, lang.negation_resumes):
            toks[j].negated = True
            j += 1
        i = j
    _mark_negations_after(toks, lang)


def _mark_negations_after(toks: list[Tok], lang: Lang) -> None:
    """ "React is not allowed", "MongoDB is banned": the clause before such a phrase is negated."""
    for i in range(len(toks)):
        if _at(toks, i, lang.negators_after):
            j = i - 1
            while j >= 0 and i - j <= MAX_NEGATION_SPAN and toks[j].low not in lang.negation_ends:
                toks[j].negated = True
                j -= 1


def _mentions(toks: list[Tok], lang: Lang) -> list[tuple[int, str, bool]]:
    """(position, feature, negated) for every feature form found; forms match as written or singular."""
    hits = []
    for key, phrase, exact in lang.features:
        n = len(phrase)
        for i in range(len(toks) - n + 1):
            if all(_form_matches(toks[i + j], phrase[j], exact, lang) for j in range(n)):
                if n == 1 and i + 1 < len(toks) and toks[i + 1].low in _PERSONAL_OBJECTS:
                    continue  # "a map to find us", "follow me": a verb on a person, not the feature
                span = toks[i : i + n]
                # "book courts", "book tables": the verb is the feature; what it books stays a thing.
                booked = n > 1 and (phrase[0],) in lang.booking_verbs
                for t in span[:1] if booked else span:
                    t.feature = True
                hits.append((i, key, any(t.negated for t in span)))
    return sorted(hits)


def _form_matches(tok: Tok, form: str, exact: bool, lang: Lang) -> bool:
    if tok.low == form:
        return True
    return not exact and tok.word and tok.sing == _singular_form(form, lang.code)


@lru_cache(maxsize=4096)
def _singular_form(form: str, code: str) -> str:
    """A feature form's singular, worked out once: every token of every request is compared with it."""
    return singular(form, load_languages()[code])


def _features(hits: list[tuple[int, str, bool]]) -> tuple[list[str], list[str]]:
    """Features said and features ruled out; a ruled-out feature is never planned ("no login")."""
    excluded = list(dict.fromkeys(k for _, k, neg in hits if neg))
    said = [k for _, k, neg in hits if not neg and k not in excluded]
    if "payments_provider" in said:
        said.append("checkout")  # a card provider is paid through a checkout
    return list(dict.fromkeys(said)), excluded


def negated_technologies(toks: list[Tok]) -> list[str]:
    """Canonical technologies named inside a negated span ("we do not want React", "not Mongo")."""
    aliases = load_aliases()
    out: list[str] = []
    for name, entry in aliases.technologies.items():
        for form in [*entry.phrases, *entry.ambiguous]:
            phrase = tuple(_lows(form))
            n = len(phrase)
            for i in range(len(toks) - n + 1):
                span = toks[i : i + n]
                if all(t.negated for t in span) and tuple(t.low for t in span) == phrase:
                    out.append((i, name))
    return list(dict.fromkeys(name for _, name in sorted(out)))


def _read(message: str) -> tuple[list[Tok], Lang]:
    """The request's tokens, each with its singular and whether a negation covers it, and its language."""
    toks = tokenize(message)
    lang = detect_language(toks)
    for t in toks:
        t.sing = singular(t.low, lang) if t.word else t.low
    _mark_negations(toks, lang)
    return toks, lang


def unbuilt_technologies(message: str) -> list[str]:
    """Languages the request names, outside a negation, that the generator does not write ("a CLI in
    Rust" -> ["Rust"]; "not in Java" -> [])."""
    unbuilt = load_aliases().context.unbuilt
    toks, _ = _read(message)
    return list(dict.fromkeys(unbuilt[t.low] for t in toks if t.low in unbuilt and not t.negated))


def not_built_note(names: list[str]) -> str:
    """One line a user reads about ``unbuilt_technologies``: what is built in another language, or "(none)"."""
    if not names:
        return "(none)"
    return f"{', '.join(names)}: named, but the generator writes Python and JavaScript; built with those"


def _technology_words() -> frozenset[str]:
    aliases = load_aliases()
    # ... and the technologies the catalogue does not build ("Rust", "JWT", "Stripe"): never records either.
    forms = [f for e in aliases.technologies.values() for f in [*e.phrases, *e.ambiguous, *e.weak]]
    forms += list(aliases.context.other_technologies)
    single = {words[0] for words in map(_lows, forms) if len(words) == 1}
    # Hyphenated names are glued into one unit ("docker-compose" -> docker_compose): never an entity either.
    glued = {"_".join(w for w in words if w != "-") for words in map(_lows, forms) if len(words) > 1}
    return frozenset(single | glued)


# --------------------------------------------------------------------------------------------
# Noun phrases
# --------------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One word, or words glued by hyphens ("check-in"), with its position."""

    pos: int
    low: str
    sing: str
    feature: bool
    negated: bool
    cap: bool
    plural: bool
    verb: bool = False


@dataclass
class Phrase_:
    units: list[Unit]
    slot: str = ""  # why it names a stored thing: list, verb, subject, compound, by, of, field-owner
    items: list[int] = field(default_factory=list)

    @property
    def pos(self) -> int:
        return self.units[0].pos


def _units(toks: list[Tok], lang: Lang) -> list[Unit | Tok]:
    """Words glued by hyphens become one unit; everything else passes through."""
    out: list[Unit | Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.word:
            out.append(t)
            i += 1
            continue
        j = i + 1
        while j < len(toks) and toks[j].glued:
            j += 1
        if j == i + 1 and j < len(toks) and toks[j].word and f"{t.low}_{toks[j].low}" in lang.joined:
            j += 1  # "help desk" is one noun, though "help" alone is a verb
        parts = [p for p in toks[i:j] if p.low not in lang.skip or p is toks[j - 1]]
        low = "_".join(p.low for p in parts)
        sing = "_".join([*(p.low for p in parts[:-1]), parts[-1].sing])
        upper = t.raw[:1].isupper() and (not t.start or lang.code == "de")  # German capitalises every noun
        out.append(Unit(i, low, sing, all(p.feature for p in toks[i:j]), any(p.negated for p in toks[i:j]),
                        upper, parts[-1].sing != parts[-1].low))
        i = j
    return out


def _is_content(u: Unit, lang: Lang, tech: frozenset[str], nxt: object = None) -> bool:
    if u.low in lang.stop or u.low in lang.skip or u.low in tech or len(u.low) < 2 or u.low.isdigit():
        return False
    # A participle before its preposition stays in the phrase: "a model trained on past claims" is no
    # field list "with a model" (the phrase is read as a whole, as before participles were known).
    verb_like = _low(nxt) in _VERB_PREPOSITIONS
    if "'" in u.low or u.low in lang.markers_function or _adjective(u.low, lang, participle=not verb_like):
        return False
    if lang.code == "de":
        return u.cap or "_" in u.low or u.low in lang.generic  # German nouns are capitalised
    return True


def _adjective(word: str, lang: Lang, participle: bool = True) -> bool:
    # "sortable", "print-friendly"; a short stem keeps nouns such as "table" or "olive".
    if any(word.endswith(s) and len(word) - len(s) >= 4 for s in lang.adjective_suffixes):
        return True
    # Participles and adverbs ("preferred", "attached", "locally"): a stem of 5 letters or more keeps
    # nouns such as "seed", "family" or "supply"; the nouns that look like them are listed.
    suffixes = lang.participle_suffixes if participle else tuple(s for s in lang.participle_suffixes if s != "ed")
    return any(word.endswith(s) and len(word) - len(s) >= 5 for s in suffixes) \
        and not word.endswith(lang.participle_nouns)


def _function_word(word: str, lang: Lang) -> bool:
    return word in lang.stop or word in lang.skip or word in lang.markers_function or word in _CLAUSE_GOES_ON


def _is_verb(seq: list[Unit | Tok], k: int, lang: Lang) -> bool:
    """A domain verb used as a verb ("members book courts", "to track expenses"), not a noun ("order history")."""
    u = seq[k]
    if isinstance(u, Unit) and _plural_verb(seq, k, lang):
        return True
    nxt = seq[k + 1] if k + 1 < len(seq) else None
    prev = seq[k - 1] if k > 0 else None
    if isinstance(u, Unit) and lang.infinitive_endings and u.low.endswith(lang.infinitive_endings) \
            and len(u.low) >= 5 and _low(prev) in lang.verb_cues and _low(prev) not in lang.object_prepositions:
        return True  # "se pueden dejar reseñas", "ils peuvent noter": an infinitive after a modal
    if isinstance(u, Unit) and isinstance(prev, Unit) and prev.plural and prev.sing in lang.people \
            and isinstance(nxt, Unit) and not _function_word(u.low, lang):
        return True  # "users draw together", "visitors browse dogs": people are followed by what they do
    if (lang.code == "en" and isinstance(u, Unit) and u.low.endswith("ing") and isinstance(prev, Unit)
            and (prev.plural or (prev.low in ("and", "or") and k >= 2 and isinstance(seq[k - 2], Unit)
                                 and seq[k - 2].verb and seq[k - 2].low.endswith("ing")))
            and (not isinstance(nxt, Unit) or nxt.low in _CLAUSE_GOES_ON)):
        return True  # "vehicles entering and leaving with timestamps": what the things do, not a thing
    if lang.code == "en" and isinstance(u, Unit) and _low(prev) in _SUBJECT_PRONOUNS \
            and not _function_word(u.low, lang):
        return True  # "it computes the cost", "they take the quiz"
    if isinstance(u, Unit) and isinstance(nxt, Unit) and nxt.low in lang.back_references - _NOUN_REFERENCES:
        return True  # "log expenses, categorize them, ...": what takes "them" as its object is a verb
    if not isinstance(u, Unit) or u.low not in lang.verbs:
        return False
    if isinstance(prev, Unit) and (prev.low in _MODALS or prev.plural or prev.low in lang.people):
        return True  # "members book courts", "to track expenses"
    if prev is not None and _low(prev) in lang.verb_cues:
        return True  # "una tienda para vender libros", "une page pour gérer les réservations"
    if lang.code == "en" and u.low.endswith("s") and not u.plural and isinstance(prev, Unit):
        return True  # "... and shows cost per acquisition": a third-person verb
    if isinstance(prev, Unit) and prev.low in lang.app_words and u.low.endswith("ing"):
        return True  # "warehouse dashboard showing shipments"
    if isinstance(nxt, Unit) and (nxt.low in lang.app_words or nxt.low in lang.generic):
        return False  # "recipe sharing site", "order history": part of a compound noun
    if _low(nxt) in ("and", "or") and k + 3 < len(seq) and _low(seq[k + 2]) in lang.verbs \
            and _low(seq[k + 3]) in lang.back_references:
        return True  # "..., assign and close them": two verbs sharing one object
    if isinstance(prev, Unit) and not u.plural and isinstance(nxt, Unit) and (
            (k >= 2 and _low(seq[k - 2]) in _SUBJECT_CUES) or (k == 1 and nxt.plural)):
        return True  # "where staff open tickets", "Staff open tickets": a one-word subject, then its verb
    if (isinstance(prev, Unit) and prev.low in ("and", "or") and not u.plural and isinstance(nxt, Unit)
            and nxt.low in _VERB_PREPOSITIONS):
        return True  # "search jobs and apply with their CV", "rate plants and comment on logs"
    if isinstance(nxt, Unit) and nxt.low in _FIELD_LINKS:
        return False  # "Books have a title": what has fields is a thing
    opens = isinstance(nxt, Unit) and nxt.low not in lang.markers_function
    if isinstance(nxt, Unit) and nxt.low in lang.skip and nxt.low not in lang.markers_function:
        return True  # "model returns an estimate", "book a table"
    if prev is None or not isinstance(prev, Unit) or prev.low in _CUES:
        # imperative: "Track expenses", ": log plants". Where a sentence or a list starts, an English
        # plural is a noun, not an imperative (a base form): "Library: books sorted by title" lists books.
        # After a cue it is a verb's third person: "a service that resizes images".
        return opens and not (lang.code == "en" and u.plural and not isinstance(prev, Unit))
    return u.low.endswith("ing") and opens and (prev.low in lang.markers_function or prev.low in lang.stop)


def _plural_verb(seq: list[Unit | Tok], k: int, lang: Lang) -> bool:
    """A third-person plural verb the lists do not hold: "que los clientes hagan pedidos, elijan
    ingredientes y paguen online" (a Spanish or Portuguese plural noun ends in -s)."""
    u, nxt = seq[k], seq[k + 1] if k + 1 < len(seq) else None
    if lang.article_verb_endings and len(u.low) >= 5 and u.low.endswith(lang.article_verb_endings) and k > 0:
        prev = seq[k - 1]
        after_subject = isinstance(prev, Unit) and prev.plural  # "les conducteurs proposent des trajets"
        if _low(nxt) in lang.object_articles or (after_subject and _low(nxt) in lang.partitive_articles):
            return True
    ends_like_verb = (bool(lang.plural_verb_endings) and len(u.low) >= 5 and u.low.endswith(lang.plural_verb_endings)
                      and not u.low.endswith(lang.plural_verb_nouns) and not _stressed_before_plural(u.low) and k > 0)
    # "... y paguen online", "lo que prestan, otros lo piden": before a word, or after a pronoun
    return ends_like_verb and ((isinstance(nxt, Unit) and nxt.low not in lang.markers_function)
                               or _low(seq[k - 1]) in lang.pronouns_before_verbs)


_ACCENTED = frozenset("áéíóúâêôãõ")


def _stressed_before_plural(word: str) -> bool:
    """A noun stressed before its last two syllables ("empréstimos", "últimos", "mínimos"): a first-person
    plural verb ("vendemos", "pedimos") carries no accent before its ending."""
    return word.endswith(("amos", "emos", "imos")) and any(c in _ACCENTED for c in word[:-4])


_PERSONAL_OBJECTS = frozenset({"us", "me"})
_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})
# Words after which an "-ing" word that follows things in the plural was their verb ("vehicles entering and").
_CLAUSE_GOES_ON = frozenset({"and", "or", "with", "in", "at", "on", "from", "to", "by", "into"})
# Back-references that can also follow a noun ("one of each", "the blue ones").
_NOUN_REFERENCES = frozenset({"each", "one", "ones"})
_MODALS = frozenset({"to", "can", "could", "will", "should", "must", "may", "might", "would", "we", "they",
                     "i", "you", "people", "also", "then", "easily", "quickly"})
_CUES = frozenset({"where", "so", "that", "who", "which", "when", "and", "then"})
_SUBJECT_CUES = frozenset({"where", "so", "that", "when"})
# Prepositions a domain verb takes ("apply with", "comment on", "sign up for"): after "and", a verb-word
# followed by one is the verb, not a further item of the list before ("search jobs and apply with ...").
_VERB_PREPOSITIONS = frozenset({"with", "to", "for", "on", "in", "at", "from", "by"})


def _chunk(seq: list[Unit | Tok], lang: Lang, tech: frozenset[str]) -> list[Phrase_ | Unit | Tok]:
    """Runs of content words become phrases; verbs, skip words and punctuation stay between them."""
    out: list[Phrase_ | Unit | Tok] = []
    run: list[Unit] = []
    for k, u in enumerate(seq):
        nxt = seq[k + 1] if k + 1 < len(seq) else None
        if isinstance(u, Unit) and _is_content(u, lang, tech, nxt) and not _is_verb(seq, k, lang):
            run.append(u)
            continue
        if run:
            out.append(Phrase_(run))
            run = []
        if isinstance(u, Unit):
            u.verb = _is_verb(seq, k, lang)
        out.append(u)
    if run:
        out.append(Phrase_(run))
    return out


def _low(x: Phrase_ | Unit | Tok) -> str:
    return x.low if isinstance(x, (Unit, Tok)) else ""


def _strip(units: list[Unit], lang: Lang) -> tuple[list[Unit], list[Unit]]:
    """Drop trailing words that name the app, generic words and feature words: "recipe sharing site" -> recipe."""
    rest, stripped = list(units), []
    while rest:
        u = rest[-1]
        more = len(rest) > 1
        soft = u.low in lang.soft_suffixes or u.sing in lang.soft_suffixes
        if (u.low in lang.app_words and not soft) or u.low in lang.generic or u.sing in lang.generic \
                or (soft and more) or (u.feature and u.sing not in lang.also_entities):
            stripped.append(rest.pop())
            continue
        break
    return rest, stripped


def _head(units: list[Unit], lang: Lang) -> tuple[Unit, list[Unit]]:
    if lang.head_first:
        return units[0], []
    return units[-1], units[:-1]


def _name(phrase: Phrase_, lang: Lang, owns_fields: bool = False) -> tuple[str | None, bool, bool]:
    """(entity name, named the app?, people word?) of a phrase; ``owns_fields``: a list of fields follows it."""
    if (phrase.slot == "verb" or owns_fields) and len(phrase.units) == 1 and phrase.units[0].plural \
            and phrase.units[0].sing in lang.things_as_objects:
        # "neighbours lend tools", "tools with name and brand": tools are things here, not the app
        return clean_name(phrase.units[0].sing), False, False
    if len(phrase.units) >= 2 and "_".join(u.low for u in phrase.units[-2:]) in lang.generic:
        return None, False, False  # "opening hours": a generic pair, before "hours" alone is stripped
    rest, stripped = _strip(phrase.units, lang)
    app = any(u.low in lang.app_words or u.low in lang.soft_suffixes for u in stripped)
    if not rest:
        return None, app, False
    head, mods = _head(rest, lang)
    if stripped and not lang.head_first and head.low.endswith("ing") and stripped[-1].low in lang.compound_heads:
        return clean_name(f"{head.low}_{stripped[-1].sing}"), app, False  # "reading lists" -> reading_list
    soft = head.low in lang.soft_suffixes or head.sing in lang.soft_suffixes
    if (head.low in lang.app_words and not soft) or head.low in lang.generic or head.negated:
        return None, app, False
    if mods and f"{mods[-1].low}_{head.low}" in lang.generic:
        return None, app, False  # "an audio player", "show notes": a part of a page, not a record
    if head.feature and head.sing not in lang.also_entities:
        return None, app, False
    if head.low in lang.people or head.sing in lang.people:
        return "user", app, True
    singular_place = not head.plural and head.sing not in uncountable()  # "jewellery" has no plural
    if (app or stripped or singular_place) and (head.low in lang.venues or head.sing in lang.venues):
        # "tennis club", "farm management tool", "managing a small hotel": the place the app is for;
        # in the plural ("browse hotels") they are its records
        return None, app, False
    name = head.sing
    if mods and (head.low in lang.compound_heads or head.sing in lang.compound_heads):
        mod = mods[-1]
        if mod.low not in lang.generic and not mod.feature:
            name = f"{mod.low}_{head.sing}"
    return clean_name(name), app, False


def clean_name(text: str) -> str | None:
    """A safe identifier: letters, digits and underscores only, starting with a letter (any script)."""
    name = re.sub(r"\W+", "_", text.lower()).strip("_")
    name = re.sub(r"^[\d_]+", "", name)[:MAX_NAME].strip("_")
    return name if len(name) >= 2 and NAME_RE.match(name) else None


# --------------------------------------------------------------------------------------------
# Slots: which phrases name stored things
# --------------------------------------------------------------------------------------------


def _prev_sig(items: list, k: int, lang: Lang) -> object | None:
    j = k - 1
    # A skip word used as a verb is the verb ("where staff open tickets"), not an adjective ("open tickets");
    # an adjective is passed too ("browse adoptable dogs").
    while j >= 0 and isinstance(items[j], (Unit, Tok)) and not (isinstance(items[j], Unit) and items[j].verb) \
            and (items[j].low in lang.skip or (isinstance(items[j], Unit) and _adjective(items[j].low, lang))):
        j -= 1
    return items[j] if j >= 0 else None


def _is(x: object, phrases: tuple[Phrase, ...]) -> bool:
    return isinstance(x, (Unit, Tok)) and (x.low,) in phrases


def _assign_slots(items: list, lang: Lang) -> None:
    for k, item in enumerate(items):
        if not isinstance(item, Phrase_):
            continue
        prev = _prev_sig(items, k, lang)
        nxt = items[k + 1] if k + 1 < len(items) else None
        if _is(prev, lang.openers):
            item.slot = "list"
        elif isinstance(prev, Unit) and prev.verb:
            item.slot = "verb"
        elif _verb_before_preposition(items, k, lang):
            item.slot = "verb"  # "volunteers sign up for shifts", "members apply to jobs"
        elif _is(prev, lang.subject_cues):
            item.slot = "subject"
        elif isinstance(nxt, Unit) and (nxt.verb or nxt.low in _MODALS) and item.units[-1].plural:
            item.slot = "subject"  # "members book courts", "mechanics should be able to ..."
        elif _low(prev) in ("by", "per") and lang.code == "en" and not _strip(item.units, lang)[1]:
            item.slot = "by"  # "revenue by region"; not "by release date" (a field)
        elif _low(prev) in lang.of_words and _of_owner(items, k, lang):
            item.slot = "of"
        elif _low(prev) == "for" and _is(nxt, lang.connectors) and _of_owner(items, k, lang, "for"):
            item.slot = "of"  # "a wiki for articles and categories" (not "a site for new employees")
        elif _sold_by(items, k, lang):
            item.slot = "of"  # "ein Shop für Kerzen", "a store for vintage guitars": what a shop sells
        elif _low(prev) in lang.object_prepositions and _after_feature(items, k, lang):
            item.slot = "of"  # "reservas para salas", "search for books": what the feature works on
        elif prev is None and item.units[-1].plural and _low(nxt) in (":", "", "\n"):
            item.slot = "title"  # "Team standup notes: each member writes ...": the notes are the records
    _chain_lists(items, lang)


# Particles between a phrasal verb and its preposition ("sign up for", "check in to").
_PARTICLES = frozenset({"up", "in", "out", "on", "off", "back", "over"})
_POSSESSIVES = frozenset({"my", "our", "your", "their", "his", "her"})


def _verb_before_preposition(items: list, k: int, lang: Lang) -> bool:
    """The phrase follows a verb, its particle and an object preposition ("sign up for shifts")."""
    j = k - 1
    while j >= 0 and isinstance(items[j], Unit) and items[j].low in lang.skip and not items[j].verb:
        if items[j].low in _POSSESSIVES:
            return False  # "list for our team": whom it is for, not what the verb works on
        j -= 1
    if lang.code != "en" or j < 1 or not isinstance(items[j], Unit) or items[j].low not in lang.object_prepositions:
        return False
    j -= 1
    if isinstance(items[j], Unit) and items[j].low in _PARTICLES:
        j -= 1
    return j >= 0 and isinstance(items[j], Unit) and items[j].verb


def _after_feature(items: list, k: int, lang: Lang) -> bool:
    """The phrase before the object preposition in front of phrase ``k`` is made of feature words."""
    j = k - 1
    while j >= 0 and isinstance(items[j], Unit) and items[j].low in lang.skip:
        j -= 1
    j -= 1  # the preposition itself
    return j >= 0 and isinstance(items[j], Phrase_) and all(u.feature for u in items[j].units)


def _sold_by(items: list, k: int, lang: Lang) -> bool:
    """The phrase before an object preposition ("für", "for") is a shop, so the phrase after it is what
    it sells."""
    j, linked = k - 1, False
    while j >= 0 and not isinstance(items[j], Phrase_):
        low = _low(items[j])
        link = not linked and low in lang.object_prepositions
        linked = linked or link
        # skip words and, between the link and the phrase, its adjectives ("für handgemachte Kerzen")
        if not link and low not in lang.skip and (linked or not isinstance(items[j], Unit) or items[j].verb
                                                  or low in lang.stop):
            return False
        j -= 1
    return j >= 0 and linked and items[j].units[-1].sing in lang.shop_words


def _of_owner(items: list, k: int, lang: Lang, link: str = "") -> bool:
    """ "catalogue of plants", "tienda de libros": the phrase before "of" names the app or a generic thing."""
    j = k - 1
    while j >= 0 and not isinstance(items[j], Phrase_):
        if _low(items[j]) not in lang.of_words and _low(items[j]) not in lang.skip and _low(items[j]) != link:
            return False
        j -= 1
    if j < 0:
        return False
    rest, stripped = _strip(items[j].units, lang)
    # "reserva de pistas", "réservation de salles": a feature's word before "of" names what the app does.
    return not rest or bool(stripped) or rest[0].low in lang.app_words or all(u.feature for u in rest)


def _chain_lists(items: list, lang: Lang) -> None:
    """A phrase after a connector continues the list of the phrase before it ("books, members and loans")."""
    last: Phrase_ | None = None  # the last phrase of this clause that names a thing
    seen_conn = False
    run: list[Phrase_] = []
    colon = False  # the clause lists after a colon: "Inventory: products with SKU; suppliers; ..."
    for item in items:
        if isinstance(item, Phrase_):
            if last is not None and seen_conn and last.slot and not item.slot:
                item.slot = "list" if last.slot in ("verb", "subject", "by", "of", "compound") else last.slot
            run = [*run, item] if seen_conn else [item]
            if len(run) >= 3:  # a bare list of three things is a list of things
                for p in run:
                    p.slot = p.slot or "list"
            last = item if item.slot else last  # "the books we read, our meetings": the list goes on
            seen_conn = False
        elif _is(item, lang.connectors) or _low(item) in ("as", "well"):
            seen_conn = True
        elif _low(item) == ";" and colon and last is not None:
            seen_conn = True  # a list after a colon may go on after semicolons, one item (and its fields) each
        elif _is(item, lang.clause) and _low(item) != ",":
            last, seen_conn, run = None, False, []
        if _low(item) in (":", ".", "!", "?", "\n"):
            colon = _low(item) == ":"


# --------------------------------------------------------------------------------------------
# Fields: "books with title, author, price and stock"
# --------------------------------------------------------------------------------------------

_FIELD_LINKS = frozenset({"with", "has", "have", "having", "(", "con", "mit", "avec", "com", "containing",
                          "contain", "contains", "include", "includes", "tiene", "tienen", "hat", "haben",
                          "ont", "tem", "têm"})


def _opens_field_list(items: list, i: int, lang: Lang) -> bool:
    """ "... and users with name": a phrase followed by a field link starts its own list of fields
    ("status (open, done)" lists the values of a field instead)."""
    return (isinstance(items[i], Phrase_) and i + 1 < len(items) and _low(items[i + 1]) in _FIELD_LINKS
            and _choices_after(items, i + 1, lang) is None)


MAX_CHOICES = 12


def _choices_after(items: list, i: int, lang: Lang) -> tuple[list[str], set[int], int] | None:
    """(values, their phrases' positions, the index after ")") when item i opens a parenthesis of short
    values: "status (open, in progress, done)", "priority (low / medium / high)"; None otherwise."""
    if i >= len(items) or _low(items[i]) != "(":
        return None
    values: list[str] = []
    words: list[str] = []
    positions: set[int] = set()
    for j in range(i + 1, min(len(items), i + 4 * MAX_CHOICES)):
        item = items[j]
        if _low(item) == ")" or _is(item, lang.connectors) or _low(item) in ("|", "or"):
            if words:
                values.append(" ".join(words))
            words = []
            if _low(item) != ")":
                continue
            short = 2 <= len(values) <= MAX_CHOICES and all(len(v.split()) <= 3 for v in values)
            return (list(dict.fromkeys(values)), positions, j + 1) if short else None
        if isinstance(item, Phrase_):
            words += [_surface(u) for u in item.units]
            positions.add(item.pos)
        elif isinstance(item, (Unit, Tok)) and item.low.isalnum():
            words.append(_surface(item))
        else:
            return None
    return None


def _surface(x: Unit | Tok) -> str:
    """A word as the request wrote it, as far as its case goes ("To do", "open")."""
    if isinstance(x, Tok):
        return x.raw
    return x.low[:1].upper() + x.low[1:] if x.cap else x.low


def listed_value_fields(items: list, lang: Lang) -> dict[str, list[str]]:
    """ "a Kanban board with columns To do, Doing and Done" -> {"column": ["To do", "Doing", "Done"]}: the
    values a word of ``value_lists`` lists, up to the end of its sentence or the next field list."""
    out: dict[str, list[str]] = {}
    for k, item in enumerate(items):
        if not isinstance(item, Phrase_) or not _lists_values(items, k, lang):
            continue
        at = next(i for i, u in enumerate(item.units) if u.low in lang.value_lists)
        values: list[str] = []
        words = [_surface(u) for u in item.units[at + 1:]]
        for x in items[k + 1:]:
            low = _low(x)
            if low in _SENTENCE_END or low in _FIELD_LINKS or (isinstance(x, Phrase_) and _opens_value_end(x)):
                break
            if low == ":":
                continue
            if _is(x, lang.connectors) or low == "or":
                values, words = ([*values, " ".join(words)] if words else values), []
            elif isinstance(x, Phrase_):
                words += [_surface(u) for u in x.units]
            elif low.isalnum() or low in ("'", "’"):
                words.append(_surface(x))
            else:
                break
        values = [*values, " ".join(words)] if words else values
        values = [v for v in dict.fromkeys(values) if len(v.split()) <= 3]
        if len(values) >= 2:
            out.setdefault(item.units[at].sing, values[:MAX_CHOICES])
    return out or _default_board(items, lang)


def _default_board(items: list, lang: Lang) -> dict[str, list[str]]:
    """A board the request names without listing its columns ("a Kanban board for the print shop's jobs")
    has the language's usual ones (``default_board`` in data/entities.yaml)."""
    board = lang.default_board
    words = set(board.get("words", []))
    named = any(part in words for x in items if isinstance(x, Phrase_) for u in x.units
                for part in re.split(r"[-_]", u.low)) or any(_low(x) in words for x in items)
    return {board["field"]: list(board["values"])} if board and named else {}


def _opens_value_end(phrase: Phrase_) -> bool:
    # "... Doing and Done, cards with ...": a phrase in the plural after the values names records again.
    return phrase.units[-1].plural and not phrase.units[0].cap


def field_choices(items: list, lang: Lang) -> dict[str, list[str]]:
    """Field name (as a field list reads it) -> the values listed after it in parentheses."""
    out: dict[str, list[str]] = {}
    for k, item in enumerate(items):
        found = _choices_after(items, k + 1, lang) if isinstance(item, Phrase_) else None
        if found:
            name = clean_name(_field_words(item, lang))
            if name:
                out.setdefault(name, found[0])
    return out


def _field_words(phrase: Phrase_, lang: Lang) -> str:
    # "bikes with prices and sizes": a field word in the plural is the same field ("price").
    *mods, last = phrase.units
    return "_".join([u.low for u in mods] + [last.sing if last.sing in lang.field_words else last.low])


def _is_field_word(name: str, lang: Lang) -> bool:
    # "preparation_time" ends in its head; "tiempo_de_preparación" starts with it (head-first languages).
    parts = name.split("_")
    if name in lang.field_words or parts[-1] in lang.field_words or (lang.head_first and parts[0] in lang.field_words):
        return True
    # German compounds end in their head: "Zubereitungszeit", "Geburtsdatum".
    return lang.code == "de" and any(len(w) >= 4 and name.endswith(w) for w in lang.field_words)


def _field_lists(items: list, lang: Lang) -> dict[int, tuple[list[str], set[int]]]:
    """Phrase index -> (the field names listed after it, the positions of their phrases), when most of
    them are field words."""
    out: dict[int, tuple[list[str], set[int]]] = {}
    for k in range(len(items)):
        owned = _owner_list(items, k, lang)
        if owned is None:
            continue
        possessed = _links_by_possession(items, k, lang)
        k, listed, colon = owned
        names = [name for name, _ in listed]
        positions = {pos for _, where in listed for pos in where}
        known = sum(_is_field_word(n, lang) for n in names)
        if colon:
            # "Bookshop: books, authors" lists things; a colon lists fields only when most are field words.
            if known >= 2 and known * 2 >= len(names):
                out[k] = (names, positions)
            continue
        # Two field words make a list of fields; so does one when it is all there is ("users with name"),
        # or when nothing else in the list is plural ("songs with title, composer and difficulty": fields
        # are singular, the things a project holds are listed in the plural: "books, members and loans").
        singular_only = not any(_plural_phrase(items, pos) for pos in positions)
        # "bottles with producer, vintage and region": several singular names after things in the plural
        # are what each of them has, even when none is a field word the lists know.
        owner = items[k].units
        head = owner[0] if lang.head_first else owner[-1]
        owner_plural = head.plural and not head.cap  # "for Ana and Tomás with our story": no owner
        if names and ((known * 2 >= len(names) and (known >= 2 or known == len(names)))
                      or (known >= 1 and singular_only) or (singular_only and owner_plural and len(names) >= 2)):
            out[k] = (names, positions)
        elif possessed and all(not (_plural_phrase(items, pos) and _names_a_thing(items, pos, lang))
                               and not _ends_in_a_feature(items, pos, lang) for pos in positions) \
                and not any(part in lang.stop for name in names for part in name.split("_")):
            # "doctors have a specialty and office hours": names in the singular, or plural ones that name
            # no thing ("office hours"), are what each has (not "recipes have ingredients and steps").
            out[k] = (names, positions)
        elif known:
            # A mixed list: "recipes with ingredients, steps and cooking time" holds ingredients and steps
            # (things), and a cooking time (a field of the recipe), not "cooking" records.
            fields = [(name, where) for name, where in listed
                      if _is_field_word(name, lang) and not any(_plural_phrase(items, pos) for pos in where)]
            if fields:
                out[k] = ([name for name, _ in fields], {pos for _, where in fields for pos in where})
    return out


def _links_by_possession(items: list, k: int, lang: Lang) -> bool:
    link = k + 2 if k + 2 < len(items) and _low(items[k + 1]) == "," else k + 1
    return link < len(items) and _low(items[link]) in lang.possession_links


def _ends_in_a_feature(items: list, pos: int, lang: Lang) -> bool:
    """"each recipe has a photo gallery" asks for a gallery, it names no field."""
    phrase = _phrase_at(items, pos)
    return phrase is not None and phrase.units[-1].feature and not _is_field_word(phrase.units[-1].sing, lang)


def _names_a_thing(items: list, pos: int, lang: Lang) -> bool:
    phrase = _phrase_at(items, pos)
    return phrase is not None and _name(phrase, lang)[0] is not None


def _owner_list(items: list, k: int, lang: Lang) -> tuple[int, list[tuple[str, set[int]]], bool] | None:
    """(the owner's index, the names listed after phrase k's link, whether a colon links them) when
    phrase k is followed by "with", "(", "has" or a colon; None when it is not, or names the app."""
    item = items[k]
    if not isinstance(item, Phrase_):
        return None
    # "..., con nombre y teléfono": a comma may stand between the owner and its list.
    link = k + 2 if k + 2 < len(items) and _low(items[k + 1]) == "," else k + 1
    colon = link < len(items) and _low(items[link]) == ":"
    if link + 1 >= len(items) or (_low(items[link]) not in _FIELD_LINKS and not colon):
        return None
    _, app, _ = _name(item, lang)
    # "les adhérents de notre association : nom, email", "members of our club: name, email": the fields
    # of the thing before "of" (after "with", only when the phrase itself names the app).
    before = _owner_before_of(items, k, lang) if app or colon else None
    if app and before is None:
        return None  # "an app with ...": what the app has, not a thing's fields
    k = k if before is None else before
    # An owner that is no entity ("y usuarios con nombre") still owns its fields: they are no entities.
    listed = _list_items(items, link + 1, lang)
    positions = {pos for _, where in listed for pos in where}
    return _owner_named_after(items, positions, lang) or k, listed, colon  # "nombre y teléfono de cada socio"


def _held_things(items: list, lang: Lang, field_positions: set[int]) -> list[tuple[int, list[int]]]:
    """(owner phrase position, positions of the things it holds) for "recipes with ingredients and steps":
    things named in the plural after a thing's link, that are not its fields. A colon lists the app's
    things ("Bookshop: books, authors"), not one thing's."""
    out = []
    for k in range(len(items)):
        owned = _owner_list(items, k, lang)
        if owned is None or owned[2] or _names_a_booking(items[k], lang):
            continue  # "appointments with doctors" are bookings of doctors: doctors are not held by them
        owner, listed, _ = owned
        held = [pos for _, where in listed for pos in where
                if pos not in field_positions and _plural_phrase(items, pos)]
        if held:
            out.append((items[owner].pos, held))
    return out


def _names_a_booking(phrase: Phrase_, lang: Lang) -> bool:
    head, _ = _head(phrase.units, lang)
    return clean_name(head.sing) in BOOKING_NAMES


def _owner_before_of(items: list, k: int, lang: Lang) -> int | None:
    """The thing before "of" when phrase k (after it) names the app or a place: "gérer les adhérents de
    notre association : nom, email" lists the members' fields (None when there is none)."""
    j = k - 1
    while j >= 0 and isinstance(items[j], (Unit, Tok)) and items[j].low in lang.skip:
        j -= 1
    if j < 1 or _low(items[j]) not in lang.of_words or not isinstance(items[j - 1], Phrase_):
        return None
    name, app, _ = _name(items[j - 1], lang)
    return j - 1 if name and not app else None


def _owner_named_after(items: list, positions: set[int], lang: Lang) -> int | None:
    """The phrase a field list belongs to when it is named after the list, behind "of each": "con nombre
    y teléfono de cada socio", "avec nom et prix de chaque produit" (None when it is not: "perros con
    nombre y raza de la protectora" are the dogs' fields)."""
    if not positions:
        return None
    j = next(i for i, x in enumerate(items) if isinstance(x, Phrase_) and x.pos == max(positions)) + 1
    if j >= len(items) or _low(items[j]) not in lang.of_words:
        return None
    j += 1
    if j >= len(items) or _low(items[j]) not in lang.each_words:
        return None
    while j < len(items) and isinstance(items[j], (Unit, Tok)) and items[j].low in lang.skip | lang.each_words:
        j += 1
    return j if j < len(items) and isinstance(items[j], Phrase_) else None


def _field_token_positions(items: list, field_lists: dict[int, tuple[list[str], set[int]]]) -> set[int]:
    """The token positions of every word listed as a field."""
    listed = {pos for _, positions in field_lists.values() for pos in positions}
    return {u.pos for x in items if isinstance(x, Phrase_) and x.pos in listed for u in x.units}


def _phrase_at(items: list, pos: int) -> Phrase_ | None:
    """The phrase that starts at token position ``pos``, if one does."""
    return next((x for x in items if isinstance(x, Phrase_) and x.pos == pos), None)


def _plural_phrase(items: list, pos: int) -> bool:
    """A phrase in the plural, that names things rather than a number of places ("tables with number and
    seats": how many seats, not seat records)."""
    phrase = _phrase_at(items, pos)
    return phrase is not None and phrase.units[-1].plural and fold(phrase.units[-1].low) not in booking_words().capacity


def _names_a_feature_only(phrase: Phrase_, lang: Lang) -> bool:
    """A feature's name that is no field word: "cart", "checkout", "search" (but "location" or "tags"
    are fields as well as features)."""
    return all(u.feature for u in phrase.units) and not any(_is_field_word(u.sing, lang) or
                                                            _is_field_word(u.low, lang) for u in phrase.units)


def _list_items(items: list, k: int, lang: Lang) -> list[tuple[str, set[int]]]:
    """The names listed from item k on, each with the positions of the phrases it was read from."""
    listed: list[tuple[str, set[int]]] = []
    words: list[str] = []
    positions: set[int] = set()
    closed = False  # the list's final "and" was read: one more item, then it ends
    resume = k
    for i in range(k, len(items)):
        if i < resume:
            continue  # inside a field's "(values)"
        item = items[i]
        if i > k and _opens_field_list(items, i, lang):
            break
        if isinstance(item, Phrase_) and i > k and _names_a_feature_only(item, lang):
            break  # "title, cost and quantity, cart and checkout": the features are no fields
        values = _choices_after(items, i, lang) if words else None
        if values:
            positions |= values[1]  # "priority (low, medium, high)": values of the field, no records
            resume = values[2]
            continue
        if isinstance(item, Phrase_):
            words += _field_words(item, lang).split("_")
            positions.add(item.pos)
        elif _is(item, lang.connectors) or _low(item) in ("a", "an", "the", "its", "their"):
            if closed and _low(item) == "," and words:
                # The item after the list's final "and" ends it: "plants with species and planting date,
                # and harvest logs" (no field "harvest logs"), "ingredients with quantity and unit,
                # suppliers" (suppliers are things), "expenses with amount and date, monthly totals".
                listed.append(("_".join(words), positions))
                words, positions = [], set()
                break
            closed = closed or (words != [] and _low(item) not in (",", "/", "&"))
            if words:
                listed.append(("_".join(words), positions))
            words, positions = [], set()
            continue
        elif isinstance(item, Unit) and (item.low in lang.skip or item.low in lang.field_words):
            words.append(item.low)  # "due date"; "start time" ("start" is no noun elsewhere)
        elif _modifies_a_field(items, i, lang):
            words.append(item.low)  # "last watered date", "first name", "estimated delivery date"
        elif not words and lang.head_first and _low(item) in lang.of_words and listed \
                and listed[-1][0].split("_")[-1] in lang.paired and _pairs_next(items, i + 1, lang):
            words.append(_low(item))  # "date de début et de fin": the second field's link, head shared
        elif words and lang.head_first and _low(item) in lang.of_words:
            after = items[i + 1] if i + 1 < len(items) else None
            if isinstance(after, (Unit, Tok)) and after.low in lang.each_words:
                break  # "nombre y teléfono de cada socio": the list's owner follows, not a longer field
            words.append(_low(item))  # "tiempo de preparación": one field
        else:
            break
    if words and all(w in lang.skip or w in lang.stop or w in lang.of_words for w in words):
        words = []  # "..., et des membres avec": an article before the next list, not a field
    if words:
        listed.append(("_".join(words), positions))
    cleaned = [(name, where) for name, where in ((clean_name(n), w) for n, w in listed) if name]
    shared = _share_heads([name for name, _ in cleaned], lang)
    return [(name, where) for name, (_, where) in zip(shared, cleaned, strict=True) if name.count("_") < 3]


def _field_modifier(item: object, lang: Lang) -> bool:
    """A word that qualifies a field rather than naming one: "last", "next", a participle ("watered")."""
    if not isinstance(item, Unit) or item.verb:
        return False
    low = item.low
    # A participle ("watered", "estimated"), not an adverb: the first of participle_suffixes is "ed".
    participle = bool(lang.participle_suffixes) and low.endswith(lang.participle_suffixes[0]) and _adjective(low, lang)
    return low in lang.paired or low in lang.field_modifiers or participle


def _modifies_a_field(items: list, i: int, lang: Lang) -> bool:
    """Item i starts a run of modifiers that ends in a field's noun phrase: in "tasks with title and last
    updated date" the date is the field and "last updated" says which date. Head-last languages only (a
    head-first language puts its modifiers after the head, inside the phrase or behind "de")."""
    if lang.head_first:
        return False
    j = i
    while j < len(items) and _field_modifier(items[j], lang):
        j += 1
    if not (i < j < len(items) and isinstance(items[j], Phrase_)):
        return False
    # "comparison with last year", "sales of the previous month": a time, not a field.
    units = items[j].units
    return not (len(units) == 1 and units[0].low in chart_words(lang.code).periods)


def _pairs_next(items: list, i: int, lang: Lang) -> bool:
    """Item i is a one-word phrase naming a paired modifier ("fin" in "date de début et de fin")."""
    nxt = items[i] if i < len(items) else None
    return isinstance(nxt, Phrase_) and len(nxt.units) == 1 and nxt.units[0].low in lang.paired


def _share_heads(names: list[str], lang: Lang) -> list[str]:
    """A paired modifier listed next to its partner shares the partner's head: "start and end date" ->
    start_date, end_date; "fecha de inicio y fin", "date de début et de fin" -> fecha_de_fin, date_de_fin."""
    out = list(names)
    for i in range(len(out) - 1):
        first, second = out[i].split("_"), out[i + 1].split("_")
        if lang.head_first:
            # "fecha_de_inicio" then "fin" (or "de_fin"): the second takes the first's head and link.
            if len(first) >= 3 and first[-2] in lang.of_words and first[-1] in lang.paired \
                    and second[-1] in lang.paired and all(w in lang.of_words for w in second[:-1]):
                out[i + 1] = "_".join([*first[:-1], second[-1]])
        elif len(first) == 1 and first[0] in lang.paired and len(second) == 2 and second[0] in lang.paired:
            out[i] = f"{first[0]}_{second[1]}"  # "start" then "end_date"
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _glued_entities(seq: list, lang: Lang) -> list[tuple[int, str]]:
    """ "bookshop" -> book, "Buchhandlung" -> buch: a shop word inside one word."""
    out = []
    for u in seq:
        if not isinstance(u, Unit):
            continue
        word = u.low.rsplit("_", 1)[-1]
        if word in lang.generic:
            continue
        for suffix in lang.glued:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= 3 and stem not in lang.stop and stem not in lang.generic \
                    and stem not in lang.skip and stem not in lang.venues:
                name = clean_name(singular(stem, lang))
                if name:
                    out.append((u.pos, name))
    return out


def _mark_listed_values(items: list, lang: Lang) -> None:
    """Mark as values (no records) the capitalised names a word such as "columns" lists, and the word:
    "a Kanban board with columns To do, Doing and Done" names three columns, not a "doing" record."""
    listing = False
    for k, item in enumerate(items):
        low = _low(item)
        if isinstance(item, Phrase_) and not listing and _lists_values(items, k, lang):
            listing, item.slot = True, VALUE_SLOT
            continue
        if listing and (low in _SENTENCE_END or low in _FIELD_LINKS
                        or (isinstance(item, Phrase_) and _opens_value_end(item))):
            listing = False
        if listing and isinstance(item, Phrase_):
            item.slot = VALUE_SLOT


def _lists_values(items: list, k: int, lang: Lang) -> bool:
    """Phrase k holds a word such as "columns" followed by capitalised names (in it or right after it)."""
    units = items[k].units
    at = next((i for i, u in enumerate(units) if u.low in lang.value_lists), None)
    if at is None:
        return False
    if any(u.cap for u in units[at + 1:]):
        return True
    after = next((x for x in items[k + 1:] if _low(x) != ":"), None)
    first = after.units[0] if isinstance(after, Phrase_) else after
    if isinstance(first, Tok):
        return first.raw[:1].isupper()
    return isinstance(first, Unit) and first.cap


def _collect(items: list, lang: Lang, features: list[str], field_lists: dict[int, tuple[list[str], set[int]]]
             ) -> tuple[list[tuple[int, str]], dict[str, list[str]]]:
    """(position, entity) pairs and the fields named per entity."""
    found: list[tuple[int, str]] = []
    field_positions = {pos for _, positions in field_lists.values() for pos in positions}
    listed = {name for names, _ in field_lists.values() for name in names}
    fields: dict[str, list[str]] = {}
    topics: set[tuple[int, str]] = set()
    for k, item in enumerate(items):
        if not isinstance(item, Phrase_) or item.pos in field_positions or item.slot == VALUE_SLOT:
            continue
        name, app, person = _name(item, lang, owns_fields=k in field_lists)
        if name is None:
            continue
        if person and not (item.slot == "list" or "accounts" in features):
            continue  # "where users post recipes": users are people, stored only with accounts
        if item.slot == "by" and (name in lang.field_words or name in listed):
            continue  # "sort by price", "concerts with artist and venue ... by venue": a field, not a thing
        if name in lang.field_words and not app and k not in field_lists and not _plural_phrase(items, item.pos):
            continue  # "..., and a customer name": one field word in the singular is no stored thing
        if item.slot or app or k in field_lists:
            found.append((item.pos, name))
            if ((app and not item.slot) or item.slot == "of") and k not in field_lists \
                    and (name in lang.topic_words or _activity(item, lang)):
                topics.add((item.pos, name))
        if k in field_lists:
            fields.setdefault(name, []).extend(field_lists[k][0])
        elif item.slot == "list" and _low(items[k - 1]) not in _CRITERION_WORDS \
                and (said := _trailing_field(item, lang)):
            fields.setdefault(name, []).append(said)  # "members, books and meeting dates": a meeting's date
    # "Cooking blog with recipes", "Travel blog with posts and photos": a topic word before the app's name
    # is what it is about when the request goes on to name the things it holds ("Recipe site" holds recipes).
    if len(topics) < len(found):
        found = [p for p in found if p not in topics]
    return found, fields


def _activity(phrase: Phrase_, lang: Lang) -> bool:
    """A phrase naming what people do, in English by a domain verb's -ing form: "Lending library",
    "Swapping site" are about lending, and hold the things lent. A feature's word ("booking") is a record."""
    rest, _ = _strip(phrase.units, lang)
    if lang.code != "en" or len(rest) != 1 or rest[0].feature or not rest[0].low.endswith("ing"):
        return False
    stem = rest[0].low[:-3]
    undoubled = stem[:-1] if len(stem) >= 2 and stem[-1] == stem[-2] else stem  # swapping -> swap
    return any(form in lang.verbs for form in (stem, stem + "e", undoubled))


def _trailing_field(phrase: Phrase_, lang: Lang) -> str | None:
    """The field word a listed thing's phrase ends in, stripped from its name: "meeting dates" names
    meetings and their date, "event locations" events and their location."""
    rest, stripped = _strip(phrase.units, lang)
    if len(stripped) != 1 or not rest or lang.head_first:
        return None
    word = stripped[0]
    return clean_name(word.sing) if word.sing in lang.field_words and not word.feature else None


def extract_request(message: str) -> RequestModel:
    """The request's own entities (its nouns), named fields, features and negations."""
    toks, lang = _read(message)
    hits = _mentions(toks, lang)
    seq = _units(toks, lang)
    items = _chunk(seq, lang, _technology_words())
    _assign_slots(items, lang)
    field_lists = _field_lists(items, lang)
    # "rehearsals with date and location": a field named like a feature is data, not a request for a map.
    in_fields = _field_token_positions(items, field_lists)
    # "... shifts with date and location. Filter shifts by location": by a listed field, not a map.
    listed = {name for names, _ in field_lists.values() for name in names}
    in_fields |= {i for i, t in enumerate(toks) if i and toks[i - 1].low in ("by", "per") and t.sing in listed}
    features, excluded_features = _features([h for h in hits if h[0] not in in_fields or h[2]])
    _mark_listed_values(items, lang)
    found, named = _collect(items, lang, features, field_lists)
    field_positions = {pos for _, positions in field_lists.values() for pos in positions}
    held = _held_things(items, lang, field_positions)
    found += _glued_entities(seq, lang)
    found = found or _things_it_is_for(items, lang)
    entities = list(dict.fromkeys(name for _, name in sorted(found, key=lambda p: p[0])))[:MAX_ENTITIES]
    choices = field_choices(items, lang)
    fields = {e: [EntityField(name=n, type="str" if n in choices else field_type(n), choices=choices.get(n))
                  for n in dict.fromkeys(named[e])]
              for e in entities if e in named}
    excluded = [*excluded_features, *negated_technologies(toks)]
    # Every word that names an entity, wherever it stands ("..., and rehearsals sorted by date").
    mentions = [(i, clean_name(t.sing)) for i, t in enumerate(toks) if t.word and clean_name(t.sing) in entities]
    verb_records = _verb_records(toks, lang, entities)
    for record, refs in verb_records:
        if record not in entities and len(entities) < MAX_ENTITIES:
            entities.append(record)
        if record in entities:
            # "members borrow tools with a due date": dates alone said with what the verb takes are the
            # record's ("books with title, author and publication date" keep theirs)
            taken = fields.get(refs[0], [])
            dates = taken if record not in named and taken and all(f.type == "datetime" for f in taken) else []
            if dates:
                del fields[refs[0]]
            # "candidates apply to jobs with a cover letter": what is listed after the verb is the record's
            said = _listed_after_verb(toks, lang, record, field_lists)
            if record not in named and said and refs[0] in fields:
                dates = [*dates, *(f for f in fields[refs[0]] if f.name in said and f not in dates)]
                fields[refs[0]] = [f for f in fields[refs[0]] if f.name not in said]
            have = {f.name for f in fields.get(record, [])}
            fields[record] = [*fields.get(record, []),
                              *(EntityField(name=f"{ref}_id", type="int") for ref in refs if f"{ref}_id" not in have),
                              *(f for f in dates if f.name not in have)]
    for record, target in _saved_lists(toks, items, lang, entities):
        if record not in entities and len(entities) < MAX_ENTITIES:
            entities.append(record)
            fields[record] = [EntityField(name="note"), EntityField(name=f"{target}_id", type="int")]
    at = dict(found)
    owned = [(at.get(owner), [at.get(pos) for pos in things]) for owner, things in held]
    # What holds what is said outright ("recipes with ingredients"): it goes first, so that a later
    # "search recipes by ingredient" cannot turn it around (no cycle is added, the first link stays).
    for parent, child in ((p, c) for p, cs in owned for c in cs):
        fields = _refer(fields, child, parent, entities)
    for assignee, thing in _assigned(toks, lang, entities):
        entities += [e for e in (thing, assignee) if e not in entities and len(entities) < MAX_ENTITIES]
        fields = _refer(fields, thing, assignee, entities, optional=True)
    for records, group in _grouped_by_entity(toks, entities, chart_positions(toks, lang.code)[0]):
        for record in records:
            fields = _refer(fields, record, group, entities)
    authored = _authored(toks, lang, entities)
    actors = [author for author, _ in authored]
    for parent, child in authored:
        fields = _refer(fields, child, parent, entities)
    verbs = {u.pos for u in seq if isinstance(u, Unit) and u.verb}
    anchors = _anchors(toks, hits, [*mentions, *((pos, name) for pos, name in found if name in entities)], lang, verbs)
    if "booking" not in features and "booking" not in excluded and _books_between_entities(toks, lang, entities):
        features.append("booking")
    booked, booker = _booked_thing(toks, lang, entities)
    anchors.update({key: name for key, name in ((BOOKED, booked), (BOOKER, booker)) if name})
    place = _place_booking(verb_records, lang, entities, fields) or _signed_up(booked, booker, lang, fields)
    if place and "booking" not in features and "booking" not in excluded:
        # "students enroll in courses": each enrollment takes a place in a course (booking by places)
        features.append("booking")
        anchors.update({BOOKED: place[0], **({BOOKER: place[1]} if len(place) > 1 else {})})
        if _only_registering(toks, hits, lang):
            features.remove("accounts")  # "attendees register for events" asks for no user accounts
    measured = _measured_words(toks, lang, entities, fields, field_positions)
    # "filters by price and bedrooms": what a list is sorted or filtered by is a field, not a record.
    by_fields, by_positions = _by_fields(toks, hits, lang)
    measured |= {e for e in entities if e in {w for ws in by_fields.values() for w in ws}
                 and all(i in by_positions for i, t in enumerate(toks) if t.word and clean_name(t.sing) == e)}
    entities = [e for e in entities if e not in measured]
    anchors = {k: v for k, v in anchors.items() if v not in measured}
    fields = {e: fs for e, fs in fields.items() if e not in measured}
    return RequestModel(language=lang.code, entities=entities, fields=fields, features=features,
                        excluded=list(dict.fromkeys(excluded)), anchors=anchors,
                        value_fields=listed_value_fields(items, lang), chart=read_chart(toks, lang.code),
                        by_fields=by_fields,
                        actors=list(dict.fromkeys([*actors, *(r for _, refs in verb_records if len(refs) > 1
                                                              for r in refs[1:]),
                                                   *_acting_subjects(toks, lang, entities)])))


def _measured_words(toks: list[Tok], lang: Lang, entities: list[str], fields: dict[str, list[EntityField]],
                    field_positions: set[int]) -> set[str]:
    """What a chart measures is no record: "a chart of average rating", "gráfico de totales" (a measure),
    and, when only a chart's sentence names them, money ("gráfico de ingresos mensuales") or another
    record's field ("trajets avec distance ...; graphique de la distance moyenne")."""
    words = chart_words(lang.code)
    charted, of_chart = chart_positions(toks, lang.code)
    named_fields = {f.name for fs in fields.values() for f in fs}
    out = set(words.measure_nouns)
    for entity in entities:
        at = [i for i, t in enumerate(toks) if t.word and clean_name(t.sing) == entity]
        money = any(toks[i].low in words.money and i in of_chart for i in at) and all(i in charted for i in at)
        field = bool({entity, f"{entity}s", f"{entity}es"} & named_fields) and all(
            i in charted or i in field_positions for i in at)
        if at and any(i in charted for i in at) and (money or field):
            out.add(entity)
    return out


def _only_registering(toks: list[Tok], hits: list[tuple[int, str, bool]], lang: Lang) -> bool:
    """Whether every word that asked for accounts names a place record ("register", "registration")."""
    asked = [i for i, feature, _ in hits if feature == "accounts"]
    places = {form for form, record in lang.verb_records.items() if record in lang.place_records}
    places |= set(lang.place_records) | {f"{r}s" for r in lang.place_records}
    return bool(asked) and all(toks[i].low in places for i in asked)


def _grouped_by_entity(toks: list[Tok], entities: list[str], charted: set[int]) -> list[tuple[list[str], str]]:
    """(records, group) for "track income and expenses by category", "books by author": records put in
    groups by another entity's records each refer to one of them. The records are the entities named in
    the few words before "by" (and those joined to them), in the same sentence, back to another "by". A
    chart's groups are the chart's (planning/charts.py), not these."""
    out = []
    for i, tok in enumerate(toks):
        if tok.low not in _CRITERION_WORDS or i + 1 >= len(toks) or tok.negated or i in charted:
            continue
        group = clean_name(toks[i + 1].sing) if toks[i + 1].word else None
        if group not in entities:
            continue
        records = []
        for j in range(i - 1, max(-1, i - 6), -1):
            if toks[j].low in _SENTENCE_END or toks[j].low in _CRITERION_WORDS:
                break
            name = clean_name(toks[j].sing) if toks[j].word else None
            grouping = j and toks[j - 1].low in _CRITERION_WORDS  # "por curso y por asignatura": both groups
            if name in entities and name != group and not grouping:
                records.append(name)
        if records:
            out.append((records, group))
    return out


def _listed_after_verb(toks: list[Tok], lang: Lang, record: str,
                       field_lists: dict[int, tuple[list[str], set[int]]]) -> set[str]:
    """The field names listed after the verb that makes ``record``, in the verb's sentence."""
    out: set[str] = set()
    for v, tok in enumerate(toks):
        if lang.verb_records.get(tok.low) != record:
            continue
        end = next((j for j in range(v, len(toks)) if toks[j].low in _SENTENCE_END), len(toks))
        for names, positions in field_lists.values():
            if positions and all(v < pos < end for pos in positions):
                out.update(names)
    return out


def _signed_up(booked: str | None, booker: str | None, lang: Lang, fields: dict[str, list[EntityField]]
               ) -> list[str] | None:
    """(session, who) when people sign up for a session ("students sign up for lessons"): a booking of it."""
    if booked and booker and session_capacity(booked, fields.get(booked, []), lang.code):
        return [booked, booker]
    return None


def _place_booking(verb_records: list[tuple[str, list[str]]], lang: Lang, entities: list[str],
                   fields: dict[str, list[EntityField]]) -> list[str] | None:
    """(what is booked, who) of the first record of ``place_records`` whose verb's object is a session, or
    of ``time_records`` ("members borrow books": a loan books the book for a time)."""
    for record, refs in verb_records:
        if record in entities and (record in lang.time_records or record in lang.place_records and
                                   session_capacity(refs[0], fields.get(refs[0], []), lang.code)):
            return refs
    return None


def _saved_lists(toks: list[Tok], items: list, lang: Lang, entities: list[str]) -> list[tuple[str, str]]:
    """(saved record, the entity it keeps) for "candidates save favourite jobs", "users bookmark recipes",
    "guardan sus recetas favoritas": a word of ``saved_words`` next to an entity (after it, or closing its
    phrase, where adjectives follow the noun), said right after a word of saving (``saving_cues``)."""
    def cued(pos: int) -> bool:
        return any(t.low in lang.saving_cues for t in toks[max(0, pos - 3):pos])

    for k, item in enumerate(items):
        if isinstance(item, Phrase_) and lang.head_first and len(item.units) > 1:
            record = lang.saved_words.get(item.units[-1].low)  # "recetas favoritas"
            name = _name(Phrase_(units=item.units[:-1]), lang)[0]
            if record and name in entities and cued(item.pos):
                return [(record, name)]
        record = lang.saved_words.get(_low(item)) if isinstance(item, (Unit, Tok)) else None
        if record is None or item.negated or not cued(getattr(item, "pos", k)):
            continue
        near = [items[k - 1]] if lang.head_first and k else []
        near += [items[k + 1]] if k + 1 < len(items) else []
        for phrase in (x for x in near if isinstance(x, Phrase_)):
            name = _name(phrase, lang)[0]
            if name in entities and name != record:
                return [(record, name)]
    return []


def _things_it_is_for(items: list, lang: Lang) -> list[tuple[int, str]]:
    """When nothing else names a stored thing, what a project that holds things is for, in the plural:
    "Kanban board for a print shop's jobs", "Tablero Kanban para las tareas del equipo" ("a forum for
    students" holds no students)."""
    out = []
    container = False
    for k, item in enumerate(items):
        if isinstance(item, Phrase_) and any(part in lang.containers for u in item.units
                                             for part in re.split(r"[-_]", u.low)):
            container = True
            continue
        if not container or not isinstance(item, Phrase_) or not item.units[-1 if not lang.head_first else 0].plural:
            continue
        j = k - 1
        while j >= 0 and isinstance(items[j], (Unit, Tok)) and (items[j].low in lang.skip or items[j].low == "'s"):
            j -= 1
        if j < 0 or _low(items[j]) not in lang.object_prepositions:
            continue
        name, _, person = _name(item, lang)
        if name and not person:
            out.append((item.pos, name))
    return out[:2]


def _booked_thing(toks: list[Tok], lang: Lang, entities: list[str]) -> tuple[str | None, str | None]:
    """(what is booked, who books) around the request's first booking verb with an entity after it:
    "patients pick a dentist and a time slot" books the dentist, and the patients book; "volunteers
    sign up for shifts" books shifts."""
    for i, tok in enumerate(toks):
        n = 0 if tok.negated else _at(toks, i, lang.booking_verbs)
        target = _entity_at(toks, i + n, lang, entities, after=True) if n else None
        if target:
            booker = _entity_at(toks, i - 1, lang, entities, after=False)
            target = _booked_with(toks, i + n, lang, entities, target)
            return target, booker if booker != target else None
    # "a table reservation form", "court booking": the thing named right before the booking word
    for i, tok in enumerate(toks[1:], start=1):
        if tok.sing in BOOKING_NAMES and not tok.negated and toks[i - 1].word and lang.code == "en":
            name = clean_name(toks[i - 1].sing)
            if name in entities:
                return name, None
    return None, None


def _booked_with(toks: list[Tok], j: int, lang: Lang, entities: list[str], target: str) -> str:
    """What a booking verb books when its object is the booking itself: "patients book appointments with
    doctors" books the doctors (an appointment is the booking), "book a table at a restaurant" the table."""
    if target not in BOOKING_NAMES:
        return target
    at = next((k for k in range(j, min(j + 4, len(toks))) if toks[k].word and clean_name(toks[k].sing) == target),
              None)
    if at is None or at + 1 >= len(toks) or toks[at + 1].low not in _BOOKED_WITH:
        return target
    return _entity_at(toks, at + 2, lang, entities, after=True) or target


def _books_between_entities(toks: list[Tok], lang: Lang, entities: list[str]) -> bool:
    """"walkers book walks", "guests book rooms": a booking verb with an entity before and after it."""
    return any(tok.low in lang.booking_feature_verbs and not tok.negated
               and (_entity_at(toks, i - 1, lang, entities, after=False) or toks[i - 1].sing in lang.people)
               and _entity_at(toks, i + 1, lang, entities, after=True)
               for i, tok in enumerate(toks) if i)


def _authored(toks: list[Tok], lang: Lang, entities: list[str]) -> list[tuple[str, str]]:
    """(author, work) for "companies post jobs", "cooks publish recipes": each work refers to its author."""
    out = []
    for i, tok in enumerate(toks):
        if tok.low not in lang.authoring_verbs or tok.negated or (
                i + 1 < len(toks) and toks[i + 1].low in lang.object_prepositions):
            continue
        work = _entity_at(toks, i + 1, lang, entities, after=True)
        author = _entity_at(toks, i - 1, lang, entities, after=False)
        if work and author and work != author:
            out.append((author, work))
    return out


def _acting_subjects(toks: list[Tok], lang: Lang, entities: list[str]) -> list[str]:
    """The things in the plural that do something to other things: "clients receive invoices", "tenants
    rate their landlords" (one word between two entities in the plural, past articles and possessives,
    which no list of prepositions holds). People acting on shared records are the users of a shared app,
    not of one terminal. Only for a language whose prepositions are listed."""
    out = []
    for i in range(1, len(toks) - 1):
        j = i + 1
        while j + 1 < len(toks) and toks[j].low in lang.skip:
            j += 1  # "customers see their invoices"
        before, verb, after = toks[i - 1], toks[i], toks[j]
        if not (lang.prepositions and verb.word and not verb.negated and len(verb.low) >= 3
                and verb.low not in lang.prepositions and verb.low not in lang.skip and before.word
                and after.word and before.low != before.sing and after.low != after.sing):
            continue
        subject, thing = clean_name(before.sing), clean_name(after.sing)
        if subject in entities and thing in entities and subject != thing:
            out.append(subject)
    return out


def _assigned(toks: list[Tok], lang: Lang, entities: list[str]) -> list[tuple[str, str]]:
    """(assignee, thing) around each assigning verb: "tickets are assigned to agents", "assign tasks to
    team members" (the thing before or after the verb, the assignee after ``assigned_to``) and "agents
    are assigned tickets" (the assignee before, the thing after). The thing must be an entity; the
    assignee becomes one (it is whom the thing is picked for)."""
    out = []
    for i, tok in enumerate(toks):
        if tok.low not in lang.assigning_verbs or tok.negated:
            continue
        to = next((j for j in range(i + 1, min(i + 6, len(toks))) if toks[j].low in lang.assigned_to), None)
        # "assigned to agents": what follows "to" is the assignee, never the thing
        after = None if to == i + 1 else _entity_at(toks, i + 1, lang, entities, after=True)
        if to is not None:
            thing = after or _subject_before(toks, i, lang, entities)
            assignee = _noun_after(toks, to + 1, lang)
        else:
            thing, assignee = after, _noun_before(toks, i, lang)
        if thing is None and to is None:  # "referees are assigned matches": the matches are records too
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            thing = _noun(nxt, lang) if nxt is not None and nxt.sing != nxt.low else None
        if thing and assignee and assignee != thing:
            out.append((assignee, thing))
    return out


def _subject_before(toks: list[Tok], i: int, lang: Lang, entities: list[str]) -> str | None:
    """The last entity named before a verb in its sentence: "tickets are assigned", "tasks with a title
    and a due date are assigned"."""
    for j in range(i - 1, max(-1, i - 13), -1):
        if toks[j].low in _SENTENCE_END:
            return None
        if toks[j].word and clean_name(toks[j].sing) in entities:
            return clean_name(toks[j].sing)
    return None


def _noun_before(toks: list[Tok], i: int, lang: Lang) -> str | None:
    j = i - 1
    while j >= 0 and toks[j].low in lang.stop:
        j -= 1
    return _noun(toks[j], lang) if j >= 0 else None


def _noun_after(toks: list[Tok], j: int, lang: Lang) -> str | None:
    """The noun a phrase after a preposition ends on: "to a team member" -> member."""
    k = j
    while k < len(toks) and toks[k].word and (toks[k].low in lang.skip or _noun(toks[k], lang) is None):
        k += 1
    while k + 1 < len(toks) and toks[k + 1].word and _noun(toks[k + 1], lang):
        k += 1  # the head of "team members" is its last noun
    return _noun(toks[k], lang) if k < len(toks) else None


def _noun(tok: Tok, lang: Lang) -> str | None:
    """The record name a word would give, when it is a content word (no function, people or stop word)."""
    if not tok.word or tok.low in lang.stop or tok.low in lang.skip or tok.low in lang.people:
        return None
    return clean_name(tok.sing)


def _refer(fields: dict[str, list[EntityField]], child: str | None, parent: str | None, entities: list[str],
           *, optional: bool = False) -> dict[str, list[EntityField]]:
    """``fields`` with ``child`` referring to one ``parent`` record (an ingredient to its recipe), unless
    either is no entity, the parent already refers to the child (no cycle) or the child refers to it.
    ``optional``: the child may be stored without it (a ticket before it is assigned)."""
    ref = f"{parent}_id"
    if child not in entities or parent not in entities or child == parent:
        return fields
    if f"{child}_id" in {f.name for f in fields.get(parent, [])} or ref in {f.name for f in fields.get(child, [])}:
        return fields
    return {**fields, child: [*fields.get(child, []), EntityField(name=ref, type="int", optional=optional)]}


def _verb_records(toks: list[Tok], lang: Lang, entities: list[str]) -> list[tuple[str, list[str]]]:
    """(record, the entities it refers to) for each verb that creates one between two things the request
    holds: "members borrow books" -> a loan of a book to a member, "students enroll in courses" -> an
    enrollment. Only when its object is one of the request's entities; its subject joins when it is one
    too ("users", people without accounts, are not)."""
    out = []
    for i, tok in enumerate(toks):
        record = lang.verb_records.get(tok.low)
        if record is None or tok.negated:
            continue
        target = _entity_at(toks, i + 1, lang, entities, after=True)
        if target is None:
            continue
        source = _entity_at(toks, i - 1, lang, entities, after=False)
        out.append((record, [target, *([source] if source and source != target else [])]))
    return out


def _entity_at(toks: list[Tok], j: int, lang: Lang, entities: list[str], *, after: bool) -> str | None:
    """The entity named at j, past an object preposition and articles (after the verb: "in the courses")
    or past modals (before it: "members can borrow")."""
    step = 1 if after else -1
    if after:
        j = _past_coordinated_verbs(toks, j, lang, entities)
    for _ in range(3):
        if not 0 <= j < len(toks) or not toks[j].word:
            return None
        name = clean_name(toks[j].sing)
        if name in entities:
            return name
        passable = (lang.object_prepositions | lang.skip) if after else _MODALS
        if toks[j].low not in passable:
            return None
        j += step
    return None


def _past_coordinated_verbs(toks: list[Tok], j: int, lang: Lang, entities: list[str]) -> int:
    """Past the other verbs a verb is coordinated with, to their shared object: "members borrow and
    return books", "create, edit and delete tasks" (at most two; a word of function is no verb)."""
    connectors = {p[0] for p in lang.connectors if len(p) == 1}
    for _ in range(2):
        if not (j + 1 < len(toks) and toks[j].low in connectors and toks[j + 1].word):
            break
        verb = toks[j + 1]
        if verb.low in lang.stop or verb.low in lang.skip or clean_name(verb.sing) in entities or verb.negated:
            break
        j += 2
    return j


# "appointments with doctors", "a reservation at a restaurant": who or what a booking is of.
_BOOKED_WITH = frozenset({"with", "at", "for", "con", "mit", "avec", "com", "bei", "chez"})
# "search by ingredient", "filtrar por categoría": what follows is the criterion, not what is searched.
_CRITERION_WORDS = frozenset({"by", "per", "por", "nach", "par", "pelo", "pela", "using"})
# The list features whose field the request may name after a criterion word ("sorted by price").
_BY_FEATURES = ("sort", "filters")


def _by_fields(toks: list[Tok], hits: list[tuple[int, str, bool]], lang: Lang
               ) -> tuple[dict[str, list[str]], set[int]]:
    """The fields named after a sort or filter word and its criterion word: "sorted by price", "filter tasks
    by priority", "filters by salary and location", "sortable by due date" (due_date), "ordenados por
    título". One or two names, each of up to three words, joined by a list connector; with the positions
    of their words."""
    joins = {c[0] for c in lang.connectors if len(c) == 1}
    # "due" in "due date" is a field's first word, not a word to skip.
    heads = {name.split("_")[0] for name in lang.field_words if "_" in name}
    out: dict[str, list[str]] = {}
    positions: set[int] = set()
    for i, key, negated in hits:
        if negated or key not in _BY_FEATURES or key in out:
            continue
        at = next((j for j in range(i + 1, min(i + 4, len(toks))) if toks[j].low in _CRITERION_WORDS), None)
        if at is None:
            continue
        names, words = [], []
        for j, t in enumerate(toks[at + 1:at + 9], start=at + 1):
            # "make" is a stop word (a verb) and a car's field; a feature starts no name ("..., sort by").
            named = (t.word and t.low not in lang.markers_function
                     and (t.low not in lang.stop or t.low in lang.field_words) and not (t.feature and names))
            if named and len(words) < 3:
                if not (t.low in lang.skip and t.low not in heads and not words):
                    words.append(t.sing)
                    positions.add(j)
                continue
            if words:
                names.append("_".join(words))
                words = []
            if len(names) == 2 or t.low not in joins:
                break
        if words and len(names) < 2:
            names.append("_".join(words))
        if names:
            out[key] = names
    return out, positions

# How far (in tokens, same sentence) an entity may be from a feature's word to be what it works on:
# "rehearsals sorted by date" (2 before), "searchable song list" (1 after), "búsqueda de alumnos" (2 after).
_ANCHOR_BEFORE, _ANCHOR_AFTER = 3, 3


def _anchors(toks: list[Tok], hits: list[tuple[int, str, bool]], found: list[tuple[int, str]],
             lang: Lang, verbs: set[int]) -> dict[str, str]:
    """The entity named closest to each targetable feature's first mention, within its sentence; one
    across a list connector only when none is on the feature's side of it ("rate plants and comment on
    harvest logs": the comments are on the harvest logs). At equal distance a verb works on what follows
    it ("members rate books"), a noun on what precedes it ("rehearsals sorted by date")."""
    sentence = [0] * len(toks)
    for i in range(1, len(toks)):
        sentence[i] = sentence[i - 1] + (toks[i - 1].raw in _SENTENCE_END)
    joins = {c[0] for c in lang.connectors if len(c) == 1}

    def crosses(a: int, b: int) -> bool:
        return any(t.low in joins for t in toks[min(a, b) + 1:max(a, b)])

    out: dict[str, str] = {}
    for i, key, negated in hits:
        if negated or key in out or key not in MENTION_TARGETED:
            continue
        if i + 1 < len(toks) and toks[i + 1].low in lang.back_references:
            continue  # "post recipes ..., rate them and save favourites": not the favourites
        by_criterion = i + 1 < len(toks) and toks[i + 1].low in _CRITERION_WORDS
        near = [(crosses(pos, i), abs(pos - i), (pos > i) != (i in verbs), name) for pos, name in found
                if sentence[pos] == sentence[i] and i - _ANCHOR_BEFORE <= pos <= i + _ANCHOR_AFTER and pos != i
                and not (pos > i and toks[pos - 1].low in _CRITERION_WORDS)
                # "..., with ingredients, and search by ingredient": the recipes are searched, not the list
                and not (by_criterion and crosses(pos, i))]
        if near:
            out[key] = min(near)[3]
    return out
