"""Offline stack inference: a natural-language request -> Plan.

Pipeline (each step a small function in its own module): explicit technology extraction
(``technologies``), nearest neighbours over the reference catalogue (``neighbours``; search injected
as ``knn`` so pgvector can replace ExactKnn), archetype vote (keywords + neighbours) and has_ui
(``archetype``), stack completion (``stack``), entities/features/pages and per-agent tasks
(``breakdown``), confidence from evidence (``confidence``), estimated usage (here). No randomness,
no clock: the same input gives a byte-identical ``Plan.model_dump_json()``.
"""

from __future__ import annotations

import json
import math

from grokorc_assets.models import Neighbour, Plan, Usage
from grokorc_assets.planning import acceptance, classifier
from grokorc_assets.planning.archetype import (
    archetype_view,
    blend_neighbours,
    decide_has_ui,
    keyword_scores,
    kind_named,
    kind_over_model,
    names_strongly,
    pick_archetype,
)
from grokorc_assets.planning.breakdown import plan_contract, plan_pages, plan_tasks
from grokorc_assets.planning.catalogue import Catalogue, load_catalogue
from grokorc_assets.planning.confidence import clear_agreement, confidence
from grokorc_assets.planning.embeddings import Embedder
from grokorc_assets.planning.entities import extract_request, load_languages
from grokorc_assets.planning.lexicon import Lexicons, load_lexicons
from grokorc_assets.planning.neighbours import Knn, find_neighbours
from grokorc_assets.planning.request_views import request_head, request_kind, request_title, word_seq
from grokorc_assets.planning.stack import complete_stack
from grokorc_assets.planning.technologies import extract_technologies
from grokorc_assets.planning.text import tokenize


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
    request = extract_request(message)
    english = archetype_view(message, request)
    words = word_seq(tokenize(english))
    explicit = extract_technologies(message)
    kw = keyword_scores(words)
    explicit = [t for t in explicit if t not in request.excluded]  # "we do not want React"
    model = classifier.load_model()
    features = classifier.request_features(english, kw)
    probabilities = model.probabilities(features)
    # Names no domain word (lexicon weight 2 or 3), feature or technology: "An app.", "Make it modern".
    vague = not request.features and not explicit and max(kw.values(), default=0.0) < 2
    share = lex.vote.vague_neighbour_share if vague else lex.vote.neighbour_share
    kind_words = word_seq(tokenize(request_kind(message, lex, request.language)))
    archetype = pick_archetype(blend_neighbours(probabilities, neighbours, share), request, words, lex, kind_words,
                               explicit)
    kind = kind_named(kind_words, lex, head_first=load_languages()[request.language].head_first)
    archetype = kind_over_model(archetype, kind, kw, lex)
    sureness = model.confidence(features, probabilities, archetype)
    if sureness < lex.vote.unsure_below and request.fields and not names_strongly(archetype, words):
        archetype = lex.vote.unsure_archetype
        sureness = model.confidence(features, probabilities, archetype)
    head_kw = keyword_scores(request_head(english, lex.confidence.head_words))
    clear = clear_agreement(kw, archetype, lex) or clear_agreement(head_kw, archetype, lex) or kind == archetype
    has_ui = decide_has_ui(archetype, words, explicit, lex)
    planned = plan_contract(request, archetype, has_ui, catalogue.archetypes[archetype].entities, lex)
    contract = planned.contract
    stack = complete_stack(explicit, archetype, has_ui, neighbours, catalogue, request.excluded)
    pages = plan_pages(archetype, has_ui, contract.entities, catalogue, lex, language=request.language)
    tasks = plan_tasks(stack, archetype, has_ui, contract.entities, planned.features, pages, lex)
    plan = Plan(
        title=request_title(message, lex, request.language),
        language=request.language,
        archetype=archetype,
        confidence=confidence(sureness, clear, vague, lex, named_by_kind=kind == archetype),
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
