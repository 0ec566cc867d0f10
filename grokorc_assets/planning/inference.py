"""Offline stack inference: a natural-language request -> Plan.

Pipeline (each step a small function): explicit technology extraction, nearest neighbours over
the reference catalogue (search injected as ``knn`` so pgvector can replace ExactKnn), archetype
vote (keywords + neighbours), stack completion, has_ui, entities/features/pages, per-agent tasks,
confidence from evidence, estimated usage. No randomness, no clock: the same input gives a
byte-identical ``Plan.model_dump_json()``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from grokorc_assets.models import (
    ARCHETYPES,
    STACK_LAYERS,
    Neighbour,
    Plan,
    Stack,
    Tasks,
    Unmet,
    Usage,
)
from grokorc_assets.planning import acceptance, classifier, glossary
from grokorc_assets.planning.catalogue import Catalogue, embed_catalogue, load_catalogue
from grokorc_assets.planning.embeddings import Embedder, default_embedder
from grokorc_assets.planning.entities import RequestModel, extract_request
from grokorc_assets.planning.lexicon import (
    Aliases,
    Key,
    Lexicons,
    TechEntry,
    compile_terms,
    load_aliases,
    load_lexicons,
)
from grokorc_assets.planning.text import Token, lemma, tokenize

Knn = Callable[[np.ndarray, int], list[tuple[str, float]]]
SIMILARITY_DECIMALS = 4
MAX_PAGES = 6  # rounding keeps the JSON stable across BLAS builds


# --------------------------------------------------------------------------------------------
# Nearest neighbours
# --------------------------------------------------------------------------------------------


class ExactKnn:
    """Brute-force cosine search in numpy; the test double and fallback for pgvector HNSW."""

    def __init__(self, ids: Sequence[str], matrix: np.ndarray) -> None:
        if len(ids) != matrix.shape[0]:
            raise ValueError("one id per embedding row")
        self.ids = list(ids)
        self.matrix = np.asarray(matrix, dtype=np.float32)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue, embedder: Embedder) -> ExactKnn:
        ids, matrix = embed_catalogue(catalogue, embedder)
        return cls(ids, matrix)

    def __call__(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        sims = self.matrix @ np.asarray(query, dtype=np.float32).reshape(-1)
        sims = np.round(sims.astype(np.float64), SIMILARITY_DECIMALS)
        # Ties broken by id so the order never depends on the sort algorithm.
        order = sorted(range(len(self.ids)), key=lambda i: (-sims[i], self.ids[i]))
        return [(self.ids[i], float(sims[i])) for i in order[:k]]


@lru_cache(maxsize=1)
def _default_search() -> tuple[Embedder, ExactKnn]:
    embedder = default_embedder()
    return embedder, ExactKnn.from_catalogue(load_catalogue(), embedder)


def find_neighbours(
    message: str,
    catalogue: Catalogue,
    *,
    knn: Knn | None,
    embedder: Embedder | None,
    k: int,
) -> list[Neighbour]:
    if knn is None:
        default_emb, default_knn = _default_search()
        knn, embedder = default_knn, embedder or default_emb
    embedder = embedder or _default_search()[0]
    query = embedder.embed([message])[0]
    known = catalogue.by_id()
    # Ids the catalogue no longer has (a stale index) are dropped: their archetype is unknown.
    return [
        Neighbour(id=i, similarity=round(float(s), SIMILARITY_DECIMALS), archetype=known[i][0])
        for i, s in knn(query, k)
        if i in known
    ]


# --------------------------------------------------------------------------------------------
# Lexicon matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    label: str
    start: int  # index in the word sequence: order of first mention


def _word_seq(tokens: list[Token]) -> list[Token]:
    # Lexicon phrases ignore punctuation ("real-time" == "real time", "add, edit and delete").
    return [t for t in tokens if t.raw[0].isalnum() or t.raw in {"+", "#", "&"}]


def match_terms(words: list[Token], terms: Iterable[tuple[str, Key, bool]]) -> list[Hit]:
    """Every (label, key) whose token key occurs in ``words``; one hit per label, first position."""
    lemmas = [t.lemma for t in words]
    lows = [t.low for t in words]
    first: dict[str, int] = {}
    for label, key, exact in terms:
        seq = lows if exact else lemmas
        n = len(key)
        for i in range(len(seq) - n + 1):
            if tuple(seq[i : i + n]) == key:
                if label not in first or i < first[label]:
                    first[label] = i
                break
    return sorted((Hit(lbl, pos) for lbl, pos in first.items()), key=lambda h: (h.start, h.label))


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[tuple[str, Key, bool]]]:
    lex = load_lexicons()
    out: dict[str, list[tuple[str, Key, bool]]] = {}
    out["no_ui"] = [("no_ui", k, e) for k, e in compile_terms(lex.no_ui_phrases)]
    out["ui"] = [("ui", k, e) for k, e in compile_terms(lex.ui_phrases)]
    for arch, tiers in lex.archetypes.items():
        out["arch:" + arch] = [
            (f"{weight}:{'|'.join(k)}", k, e)
            for weight, forms in tiers.items()
            for k, e in compile_terms(forms)
        ]
    return out


# --------------------------------------------------------------------------------------------
# Explicit technologies
# --------------------------------------------------------------------------------------------


def _title_case(tokens: list[Token]) -> bool:
    """Headline-style text capitalises every word: capitals are then no evidence."""
    long_words = [t for t in tokens if t.raw.isalpha() and len(t.raw) > 3 and not t.sentence_start]
    caps = sum(1 for t in long_words if t.raw[0].isupper())
    return len(long_words) >= 3 and caps / len(long_words) > 0.6


def _phrase_index(aliases: Aliases, kind: str) -> list[tuple[Key, str]]:
    pairs = [
        (tuple(t.low for t in tokenize(form) if t.raw != "-"), name)
        for name, entry in aliases.technologies.items()
        for form in getattr(entry, kind)
    ]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[1]))  # longest first


def _seq_for_tech(tokens: list[Token]) -> list[Token]:
    # Hyphens join ("docker-compose"); other punctuation stays as it separates list items.
    return [t for t in tokens if t.raw != "-"]


def _ambiguous_ok(i: int, seq: list[Token], entry: TechEntry, aliases: Aliases, titled: bool) -> bool:
    """Context rules for words that are also plain English (see aliases.yaml `context`)."""
    ctx = aliases.context
    tok = seq[i]
    nxt = seq[i + 1].low if i + 1 < len(seq) else ""
    prev = seq[i - 1].low if i > 0 else ""
    if nxt in ctx.role_next:
        return True  # "a Go backend", "Node server", "React app"
    capital = tok.raw[0].isupper() and not tok.sentence_start and not titled
    window = [t.low for t in seq[i + 1 : i + 1 + ctx.role_window_size]]
    if "." in window:
        window = window[: window.index(".")]
    role_near = any(w in ctx.role_window for w in window)
    if capital and role_near:
        return True  # a proper noun mid-sentence near "UI"/"backend": ", React to be used for the UI"
    if capital and prev in ctx.cue_prev:
        return True  # "a tool in Go for backups": a capitalised name after a cue beats "go for"
    if nxt in entry.stop_next:
        return False  # "go to", "react to"
    if entry.lower_with_cue and role_near:
        return True  # "react for the frontend"
    if entry.lower_with_cue and prev in ctx.cue_prev:
        return True  # "written in Go", "using React"
    return entry.capitalised_alone and capital


def extract_technologies(message: str, aliases: Aliases | None = None) -> list[str]:
    """Canonical technologies the request names, in order of first mention."""
    aliases = aliases or load_aliases()
    tokens = tokenize(message)
    seq = _seq_for_tech(tokens)
    lows = [t.low for t in seq]
    found: dict[int, str] = {}  # token position -> canonical name
    taken = [False] * len(seq)
    for key, name in _phrase_index(aliases, "phrases"):
        n = len(key)
        for i in range(len(seq) - n + 1):
            if not any(taken[i : i + n]) and tuple(lows[i : i + n]) == key:
                found[i] = name
                for j in range(i, i + n):
                    taken[j] = True
    titled = _title_case(tokens)
    candidates = {
        i: name
        for i, t in enumerate(seq)
        if not taken[i]
        for name, entry in aliases.technologies.items()
        if t.low in entry.ambiguous
    }
    for i, name in candidates.items():
        if _ambiguous_ok(i, seq, aliases.technologies[name], aliases, titled):
            found[i] = name
    _accept_by_adjacency(seq, candidates, found, aliases)
    _add_weak(seq, taken, found, aliases)
    ordered: list[str] = []
    for _, name in sorted(found.items()):
        if name not in ordered:
            ordered.append(name)
    return ordered


def _accept_by_adjacency(
    seq: list[Token], candidates: dict[int, str], found: dict[int, str], aliases: Aliases
) -> None:
    """ "Go and Postgres", "Node/Express": an ambiguous word listed next to a technology is one."""
    connectors = set(aliases.context.connectors)
    changed = True
    while changed:  # fixpoint: "React, Node and Mongo" chains through the list
        changed = False
        for i, name in sorted(candidates.items()):
            if i in found:
                continue
            if i + 1 < len(seq) and seq[i + 1].low in aliases.technologies[name].stop_next:
                continue
            left = i >= 2 and seq[i - 1].low in connectors and (i - 2) in found
            right = i + 2 < len(seq) and seq[i + 1].low in connectors and (i + 2) in found
            if left or right:
                found[i] = name
                changed = True


def _add_weak(seq: list[Token], taken: list[bool], found: dict[int, str], aliases: Aliases) -> None:
    """HTML/CSS/JavaScript mean a framework-less frontend unless a frontend framework is named."""
    if any(aliases.technologies[n].layer == "frontend" for n in found.values()):
        return
    for name, entry in aliases.technologies.items():
        weak = set(entry.weak)
        hits = [i for i, t in enumerate(seq) if not taken[i] and t.low in weak]
        distinct = {seq[i].low for i in hits}
        # One "HTML" ("renders HTML to PDF") is not a stack choice; "HTML and CSS" or JavaScript is.
        if len(distinct) >= 2 or distinct & {"javascript", "js"}:
            found.setdefault(hits[0], name)


def layer_of(tech: str) -> str:
    return next(layer for layer, names in STACK_LAYERS.items() if tech in names)


# --------------------------------------------------------------------------------------------
# Archetype, UI, stack
# --------------------------------------------------------------------------------------------


def keyword_scores(words: list[Token]) -> dict[str, float]:
    compiled = _compiled()
    scores: dict[str, float] = {}
    for arch in ARCHETYPES:
        hits = match_terms(words, compiled["arch:" + arch])
        scores[arch] = float(sum(int(h.label.split(":", 1)[0]) for h in hits))
    return scores


def english_view(message: str) -> str:
    """The request as the English lexicons and model read it (unchanged when it is English)."""
    vocabulary = classifier.load_model().weights
    return glossary.to_english(message, known=lambda word: f"w:{lemma(word)}" in vocabulary)


def archetype_features(message: str) -> dict[str, float]:
    """What the archetype model reads: the request in English words plus the lexicons' evidence."""
    english = english_view(message)
    return classifier.request_features(english, keyword_scores(_word_seq(tokenize(english))))


def request_head(english: str, head_words: int) -> list[Token]:
    """The opening clause, at most ``head_words`` words: "Sales analytics dashboard with revenue by
    region, top products..." -> its head names a dashboard, whatever products the rest mentions."""
    head: list[Token] = []
    for token in tokenize(english):
        if token.raw in {".", ";", ":", "!", "?", "\n"} and head:
            break
        if token.raw[0].isalnum() or token.raw in {"+", "#", "&"}:
            head.append(token)
            if len(head) >= head_words:
                break
    return head


def blend_neighbours(
    probabilities: dict[str, float], neighbours: list[Neighbour], share: float
) -> list[tuple[str, float]]:
    """Archetypes ranked by the model's probability with ``share`` given to the nearest reference
    projects: a sure model is never overruled by them; a request that names nothing ("Something fun
    for the weekend", where the model only has its prior on filler words) follows the projects it
    reads like (lexicons.yaml ``vote``)."""
    weights = {n.archetype: 0.0 for n in neighbours}
    for n in neighbours:
        weights[n.archetype] += max(n.similarity, 0.0)
    total = sum(weights.values())
    blended = {
        a: (1 - share) * p + (share * weights.get(a, 0.0) / total if total > 0 else share * p)
        for a, p in probabilities.items()
    }
    return classifier.top(blended, ARCHETYPES)


def decide_has_ui(archetype: str, words: list[Token], explicit: list[str], lex: Lexicons) -> bool:
    # A named frontend framework is a UI whatever else the request says; but "a command-line tool in
    # JavaScript" names a language ("vanilla" comes from plain HTML/CSS/JS), not screens.
    if any(layer_of(t) == "frontend" and not (archetype == "cli" and t == "vanilla") for t in explicit):
        return True
    if match_terms(words, _compiled()["no_ui"]):
        return False
    if archetype == "cli":
        return False
    if archetype in lex.no_ui_archetypes:
        # A service is headless unless the request talks about screens or pages.
        return bool(match_terms(words, _compiled()["ui"]))
    return True


def complete_stack(
    explicit: list[str],
    archetype: str,
    has_ui: bool,
    neighbours: list[Neighbour],
    catalogue: Catalogue,
    excluded: Iterable[str] = (),
) -> Stack:
    """Explicit choices fill their layers; open layers take the neighbours' weighted choice.

    A technology the request rules out ("we do not want React") is never chosen; when every ballot
    holds it, the layer takes the first canonical name that is not ruled out.
    """
    projects = catalogue.by_id()
    default = catalogue.archetypes[archetype].default_stack
    avoid_with = load_lexicons().avoid_with
    avoid = set(excluded).union(*(set(avoid_with.get(t, [])) for t in explicit))
    layers: dict[str, list[str]] = {}
    for layer in STACK_LAYERS:
        named = [t for t in explicit if layer_of(t) == layer]
        if named:
            layers[layer] = named
            continue
        if layer == "frontend" and not has_ui:
            layers[layer] = []
            continue
        ballots: dict[tuple[str, ...], float] = {tuple(getattr(default, layer)): 0.5}
        for n in neighbours:
            if n.archetype == archetype and n.id in projects:
                choice = tuple(getattr(projects[n.id][1].stack, layer))
                ballots[choice] = ballots.get(choice, 0.0) + max(n.similarity, 0.0)
        fitting = {c: w for c, w in ballots.items() if not set(c) & avoid}
        best = sorted(fitting.items(), key=lambda kv: (-kv[1], kv[0]))
        layers[layer] = list(best[0][0]) if best else _replacement(layer, ballots, avoid)
    return Stack(**layers)


def _replacement(layer: str, ballots: dict[tuple[str, ...], float], avoid: set[str]) -> list[str]:
    """A layer whose every ballot was ruled out: an empty layer stays empty, else the first allowed name."""
    if not any(ballots):
        return []
    allowed = [name for name in STACK_LAYERS[layer] if name not in avoid]
    return allowed[:1]


# --------------------------------------------------------------------------------------------
# Entities, features, fields and acceptance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanContract:
    """What the plan promises (acceptance.Contract), with the features it keeps and what it rules out."""

    contract: acceptance.Contract
    features: list[str]
    excluded: list[str]


def plan_contract(
    request: RequestModel, archetype: str, has_ui: bool, profile_entities: list[str], lex: Lexicons
) -> PlanContract:
    """The request's own entities and features plus what the archetype needs; the rest from acceptance.py.

    Profile defaults stand in only when the request named no entity and no feature (a vague request):
    a request that says what it wants is never padded with another domain's nouns.
    """
    excluded = set(request.excluded)
    features = [*request.features, *lex.core_features.get(archetype, [])]
    features = [f for f in dict.fromkeys(features) if f not in excluded]
    named = request.entities or ([] if request.features else list(profile_entities))
    contract = acceptance.derive_contract(archetype, has_ui, named, request.fields, features)
    # "A chat with no messages": the request rules out what its own kind of project is. Say so, as unmet.
    table = acceptance.feature_table()
    contradictions = [
        Unmet(what=table[f].label, reason=f"a {archetype} project whose {table[f].label} the request rules out")
        for f in lex.core_features.get(archetype, []) if f in excluded and f in table]
    if contradictions:
        contract = contract.model_copy(update={"unmet": [*contract.unmet, *contradictions]})
    return PlanContract(contract, features, list(request.excluded))


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def plan_pages(
    archetype: str, has_ui: bool, entities: list[str], catalogue: Catalogue, lex: Lexicons
) -> list[str]:
    """One page per entity, named after it ("books", not the catalogue's generic "products").

    A game, a landing page and a chat are their main page: only entities beyond the ones their shape
    already shows (messages, scores) get pages of their own. A dashboard opens on an overview.
    """
    if not has_ui:
        return []
    shaped = archetype in lex.main_page_archetypes
    pages = ["overview"] if archetype == "dashboard" else []
    pages += [_plural(e) for e in entities if not (shaped and e in lex.shown_on_main_page)]
    return list(dict.fromkeys(pages))[:MAX_PAGES]


def plan_tasks(
    stack: Stack,
    archetype: str,
    has_ui: bool,
    entities: list[str],
    features: list[str],
    pages: list[str],
    lex: Lexicons,
) -> Tasks:
    t = lex.tasks
    fill = {
        "frontend": ", ".join(stack.frontend) or "static",
        "backend": ", ".join(stack.backend),
        "database": ", ".join(stack.database) or "file",
        "devops": ", ".join(stack.devops),
        "pages": ", ".join(pages),
        "entities": ", ".join(entities),
        "services": ", ".join(
            ["web"] * bool(stack.frontend) + ["api"] * bool(stack.backend) + stack.database
        ),
    }
    role = lex.feature_roles
    frontend: list[str] = []
    if has_ui:
        frontend.append(t["frontend"]["scaffold"].format(**fill))
        frontend += [t["frontend"]["page"].format(page=p) for p in pages]
        frontend += [
            t["frontend"]["feature"].format(feature=f) for f in features if "frontend" in role.get(f, [])
        ]
        if stack.backend:
            frontend.append(t["frontend"]["client"].format(**fill))
        frontend.append(t["frontend"]["tests"])
    backend: list[str] = []
    if stack.backend:
        key = "scaffold_cli" if archetype == "cli" or not has_ui and archetype == "game" else "scaffold"
        backend.append(t["backend"][key].format(**fill))
        if stack.database and entities:
            backend.append(t["backend"]["schema"].format(**fill))
        if archetype not in ("cli", "game", "landing"):
            backend += [t["backend"]["entity"].format(entity=e) for e in entities[:5]]
        backend += [
            t["backend"]["feature"].format(feature=f) for f in features if "backend" in role.get(f, [])
        ]
        backend.append(t["backend"]["tests"])
    devops = [
        t["devops"]["compose"].format(**fill) if stack.devops else t["devops"]["none"],
        t["devops"]["ci"],
    ]
    if stack.backend and archetype != "cli":
        devops.append(t["devops"]["health"])
    return Tasks(frontend=frontend, backend=backend, devops=devops)


# --------------------------------------------------------------------------------------------
# Confidence and usage
# --------------------------------------------------------------------------------------------


def clear_agreement(kw: dict[str, float], archetype: str, lex: Lexicons) -> bool:
    """The lexicon scores ``kw`` point at ``archetype`` and clearly (by ``agreement_margin`` in
    saturated units) at nothing else."""
    saturated = {a: 1.0 - math.exp(-s / 3.0) for a, s in kw.items()}
    others = max((v for a, v in saturated.items() if a != archetype), default=0.0)
    return saturated.get(archetype, 0.0) - others >= lex.confidence.agreement_margin


def confidence(sureness: float, clear_agreement: bool, vague: bool, lex: Lexicons) -> float:
    """The archetype model's calibrated confidence in its pick, adjusted by two rules of evidence.

    The calibration was fitted on out-of-fold predictions, mostly long web-app requests, so 0.8
    means right about four times in five there. Two things it cannot see from that data:
    - when the hand-written lexicons, read on the whole request or on its head (its first
      ``head_words`` words, where a request says what it is), point clearly at the same archetype as
      the model (the pick's evidence beats every other archetype's by ``agreement_margin``), the
      remaining doubt shrinks by
      ``agreement_doubt``: measured on the development sets, a short request naming its domain is
      right far more often than the web-app folds suggest, while on held-out web-app requests the
      rate of confident mistakes stays where it was (bench/bench_archetype.py);
    - a vague request ("An app.", "We need software for our business": no domain word, feature or
      technology; its nouns are no evidence, "business" says nothing of the kind of project) stays
      at or below ``vague_cap`` whatever the model's prior says.
    """
    w = lex.confidence
    value = 1.0 - (1.0 - sureness) * w.agreement_doubt if clear_agreement else sureness
    if vague:
        value = min(value, w.vague_cap)
    return round(min(max(value, 0.0), w.cap), 4)


def request_title(message: str, lex: Lexicons) -> str | None:
    """The request's opening noun phrase as its name: "Online bookshop with search..." -> "Online bookshop"."""
    words: list[str] = []
    for token in message.replace("\n", " ").split():
        bare = token.strip("\"'()[]")
        low = bare.lower().rstrip(".,:;!?")
        if not words and low in lex.title_skip:
            continue
        if low in lex.title_stop or not bare:
            break
        words.append(bare.rstrip(".,:;!?"))
        if bare[-1:] in ".,:;!?" or len(words) == 6:
            break
    title = " ".join(words)
    return title[:1].upper() + title[1:] if len(title) >= 3 else None


def estimate_usage(message: str, plan_json: str, lex: Lexicons) -> Usage:
    """What an LLM call would have cost in tokens (~4 characters per token); offline costs nothing."""
    prompt = f"{lex.llm_prompt}\n{message}"
    return Usage(
        model="offline",
        input_tokens=math.ceil(len(prompt) / 4),
        output_tokens=math.ceil(len(plan_json) / 4),
        cost_usd=0.0,
        estimated=True,
    )


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def infer_plan(
    message: str,
    neighbours: list[Neighbour] | None = None,
    *,
    knn: Knn | None = None,
    embedder: Embedder | None = None,
    catalogue: Catalogue | None = None,
    k: int | None = None,
) -> Plan:
    """Plan a project offline.

    ``neighbours``: already-found catalogue neighbours (skips the search). Otherwise ``knn(query,
    k)`` is asked for (catalogue id, cosine similarity) pairs for the request embedded with
    ``embedder``; both default to ExactKnn over the packaged catalogue with the hashing embedder.
    A custom ``knn`` must index the same embedder it is given here.
    """
    catalogue = catalogue or load_catalogue()
    lex = load_lexicons()
    k = k or lex.vote.neighbours_k
    if neighbours is None:
        neighbours = find_neighbours(message, catalogue, knn=knn, embedder=embedder, k=k)
    english = english_view(message)
    words = _word_seq(tokenize(english))
    explicit = extract_technologies(message)
    kw = keyword_scores(words)
    request = extract_request(message)
    explicit = [t for t in explicit if t not in request.excluded]  # "we do not want React"
    model = classifier.load_model()
    features = classifier.request_features(english, kw)
    probabilities = model.probabilities(features)
    # Names no domain word (lexicon weight 2 or 3), feature or technology: "An app.", "Make it modern".
    vague = not request.features and not explicit and max(kw.values(), default=0.0) < 2
    share = lex.vote.vague_neighbour_share if vague else lex.vote.neighbour_share
    archetype = blend_neighbours(probabilities, neighbours, share)[0][0]
    sureness = model.confidence(features, probabilities, archetype)
    head_kw = keyword_scores(request_head(english, lex.confidence.head_words))
    clear = clear_agreement(kw, archetype, lex) or clear_agreement(head_kw, archetype, lex)
    has_ui = decide_has_ui(archetype, words, explicit, lex)
    planned = plan_contract(request, archetype, has_ui, catalogue.archetypes[archetype].entities, lex)
    contract = planned.contract
    stack = complete_stack(explicit, archetype, has_ui, neighbours, catalogue, request.excluded)
    pages = plan_pages(archetype, has_ui, contract.entities, catalogue, lex)
    tasks = plan_tasks(stack, archetype, has_ui, contract.entities, planned.features, pages, lex)
    plan = Plan(
        title=request_title(message, lex),
        archetype=archetype,
        confidence=confidence(sureness, clear, vague, lex),
        has_ui=has_ui,
        stack=stack,
        explicit=explicit,
        features=planned.features,
        excluded=planned.excluded,
        **acceptance.contract_fields(contract),
        pages=pages,
        tasks=tasks,
        neighbours=neighbours,
    )
    body = json.dumps(plan.model_dump(mode="json", exclude={"usage"}), sort_keys=True)
    return plan.model_copy(update={"usage": estimate_usage(message, body, lex)})
