"""The archetype decision: lexicon evidence, the model's features, the neighbours' vote, and has_ui."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from grokorc_assets.models import ARCHETYPES, Neighbour
from grokorc_assets.planning import classifier
from grokorc_assets.planning.acceptance import feature_table
from grokorc_assets.planning.confidence import clear_agreement
from grokorc_assets.planning.entities import RequestModel, extract_request
from grokorc_assets.planning.lexicon import Key, Lexicons, compile_terms, load_lexicons
from grokorc_assets.planning.request_views import english_view, without_field_names, without_markup, word_seq
from grokorc_assets.planning.technologies import layer_of
from grokorc_assets.planning.text import Token, tokenize

# --------------------------------------------------------------------------------------------
# Lexicon matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    label: str
    start: int  # index in the word sequence: order of first mention


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
    out["web"] = [("web", k, e) for k, e in compile_terms(lex.web_words)]
    out["web_tool"] = [("web_tool", k, e) for k, e in compile_terms(lex.web_tool_words)]
    for arch, tiers in lex.archetypes.items():
        out["arch:" + arch] = [
            (f"{weight}:{'|'.join(k)}", k, e)
            for weight, forms in tiers.items()
            for k, e in compile_terms(forms)
        ]
    return out


# --------------------------------------------------------------------------------------------
# Archetype and UI
# --------------------------------------------------------------------------------------------


def keyword_scores(words: list[Token]) -> dict[str, float]:
    """Per archetype, the summed weights of its lexicon entries found in ``words`` (each entry once).

    A longer entry claims its words: "resume builder" (crud) leaves no "resume" (landing) behind, and
    "newsletter signup" (landing) no "newsletter" (content). Within one archetype nested entries add up
    ("sentiment analysis" and "sentiment" both say ml)."""
    compiled = _compiled()
    lemmas = [t.lemma for t in words]
    lows = [t.low for t in words]
    found: list[tuple[int, int, str, str]] = []  # (length, start, archetype, label)
    for arch in ARCHETYPES:
        for label, key, exact in compiled["arch:" + arch]:
            seq, n = (lows if exact else lemmas), len(key)
            found += [(n, i, arch, label) for i in range(len(seq) - n + 1) if tuple(seq[i : i + n]) == key]
    claims: list[dict[str, int]] = [{} for _ in words]  # per word: archetype -> longest entry accepted over it
    counted: set[tuple[str, str]] = set()
    for n, i, arch, label in sorted(found, key=lambda f: (-f[0], f[1], f[2], f[3])):
        if all(length <= n for j in range(i, i + n) for other, length in claims[j].items() if other != arch):
            for j in range(i, i + n):
                claims[j][arch] = max(claims[j].get(arch, 0), n)
            counted.add((arch, label))
    scores = dict.fromkeys(ARCHETYPES, 0.0)
    for arch, label in counted:
        scores[arch] += int(label.split(":", 1)[0])
    return scores


def archetype_view(message: str, request: RequestModel | None = None) -> str:
    """The text the archetype is read from: the request in English, without its records' field names
    and without markup (training and planning read the same view)."""
    return english_view(without_markup(without_field_names(message, request or extract_request(message))))


def archetype_features(message: str, request: RequestModel | None = None) -> dict[str, float]:
    """What the archetype model reads: the archetype view's words plus the lexicons' evidence."""
    english = archetype_view(message, request)
    return classifier.request_features(english, keyword_scores(word_seq(tokenize(english))))


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


def names_strongly(archetype: str, words: list[Token]) -> bool:
    """The request uses one of the archetype's weight-3 words ("landing page", "chat", "dashboard")."""
    return any(h.label.startswith("3:") for h in match_terms(words, _compiled()["arch:" + archetype]))


def deliverable(archetype: str, request: RequestModel, words: list[Token], lex: Lexicons) -> bool:
    """Whether the archetype's shape can hold what the request describes: a recordless one (a landing
    page) cannot hold records with fields or features that work on records, unless the request asked
    for that shape by name."""
    if archetype in lex.terminal_archetypes and not names_strongly(archetype, words):
        # "A simple tool to track my reading list with ratings": a terminal program has no ratings,
        # comments or charts; only a request that names the terminal gets one without them.
        return not set(request.features) & set(lex.web_only_features)
    if archetype not in lex.recordless_archetypes or names_strongly(archetype, words):
        return True
    table = feature_table()
    # A gallery or uploads too: a landing page shows cards, with no records to upload photos to or show
    # them from, so "a presentation page with a gallery of works" is planned as a site of works.
    on_records = [f for f in request.features if f in table and table[f].target != "none"]
    return not request.fields and not on_records


def pick_archetype(ranked: list[tuple[str, float]], request: RequestModel, words: list[Token],
                   lex: Lexicons, kind_words: list[Token] | None = None, explicit: list[str] | None = None) -> str:
    """The most likely archetype whose shape can deliver the request (the most likely one when none can),
    and never a terminal program the request gives no sign of (`terminal_evidence`)."""
    return next((a for a, _ in ranked if deliverable(a, request, words, lex)
                 and asks_for_its_feature(a, request, words, lex)
                 and (a not in lex.terminal_archetypes
                      or terminal_evidence(a, words, kind_words or [], explicit or [], request.actors))),
                ranked[0][0])


def asks_for_its_feature(archetype: str, request: RequestModel, words: list[Token], lex: Lexicons) -> bool:
    """Whether the request may be asking for the feature an archetype is built around (lexicons.yaml
    ``feature_archetypes``). It is not when none of its words read as the feature, the archetype is not
    named strongly, and all the archetype's lexicon finds in it are homonyms naming things it stores: "A
    library of books sorted by title" (its one booking word, "book", is what the library holds). Any other
    word of the lexicon leaves the model's reading standing ("classes with limited places")."""
    spec = lex.feature_archetypes.get(archetype)
    if spec is None or spec.feature in request.features or names_strongly(archetype, words):
        return True
    homonyms_stored = set(spec.homonyms) & set(request.entities)
    hits = match_terms(words, _compiled()["arch:" + archetype])
    if not hits or not any(set(h.label.split(":", 1)[1].split("|")) <= homonyms_stored for h in hits):
        return True
    # Past the homonyms, a weak word ("date", "event": weight 1) is no sign of the feature: "A book club
    # app: members, books and meeting dates" stores dates, it books nothing.
    return any(set(h.label.split(":", 1)[1].split("|")) - homonyms_stored for h in hits
               if not h.label.startswith("1:"))


def terminal_evidence(archetype: str, words: list[Token], kind_words: list[Token], explicit: list[str],
                      actors: list[str] | None = None) -> bool:
    """Whether a request can be a terminal program: it names the terminal ("CLI", "command line"), or its
    kind is no web thing ("Una plataforma donde los vecinos intercambian herramientas") and it names no
    frontend framework ("a markdown note-taking app ... with Svelte"). Terminal tools are often described
    without a terminal word ("a tool to download videos"), so nothing more is asked of them."""
    if names_strongly(archetype, words):
        return True
    # "members borrow tools", "freelancers create invoices": people sharing records, not one terminal.
    return not (actors or match_terms(kind_words, _compiled()["web"]) or match_terms(words, _compiled()["web_tool"])
                or any(layer_of(t) == "frontend" and t != "vanilla" for t in explicit))


def kind_named(kind_words: list[Token], lex: Lexicons, head_first: bool = False) -> str | None:
    """The archetype the request's kind (its opening noun phrase, request_views.request_kind) names by a
    strong word and clearly: "Member management" -> crud, "Live chat" -> chat, "Tool" -> none; or by
    its head, when that outweighs the rest: "Sales CRM" is a CRM whatever "sales" leans to (not "recipe
    cost calculator", nor "bike rental shop" where "rental" weighs as much as "shop")."""
    scores = keyword_scores(kind_words)
    clear = next((a for a in ARCHETYPES if names_strongly(a, kind_words) and clear_agreement(scores, a, lex)), None)
    head = kind_words[:1] if head_first else kind_words[-1:]
    by_head = [a for a in ARCHETYPES if head and names_strongly(a, head)
               and scores[a] > max(v for other, v in scores.items() if other != a)]
    return clear or (by_head[0] if len(by_head) == 1 else None)


def kind_over_model(picked: str, kind: str | None, kw: dict[str, float], lex: Lexicons) -> str:
    """The archetype the request's kind names, over the model's pick, unless the whole request points
    clearly at the pick.

    "Member management for an amateur football club: players, teams, fees..." is records of members,
    whatever the football words make the model think; "Live chat for a hotel's front desk so guests can
    ask about their reservation" is a chat. The model reads every word alike, and a long description of
    the domain outweighs the two words that say what the project is. "Document Q&A: upload PDFs, answers
    by retrieval over embeddings" keeps the model's ml: the rest of the request says ml clearly."""
    return kind if kind and not clear_agreement(kw, picked, lex) else picked


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
