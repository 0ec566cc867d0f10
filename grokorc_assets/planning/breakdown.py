"""What the plan promises and who does what: contract (entities, features, acceptance), pages, tasks."""

from __future__ import annotations

from dataclasses import dataclass

from grokorc_assets.models import Stack, Tasks, Unmet
from grokorc_assets.planning import acceptance
from grokorc_assets.planning.catalogue import Catalogue
from grokorc_assets.planning.entities import RequestModel
from grokorc_assets.planning.lexicon import Lexicons
from grokorc_assets.planning.plurals import plural

MAX_PAGES = 6

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
    core = lex.core_features.get(archetype, [])
    if "checkout" in request.features:
        # "attendees buy tickets": places bought at checkout are counted by stock; a booking's overlap rule
        # (one booking of a thing at a time) would refuse the second ticket to the same event.
        core = [f for f in core if f != "booking"]
    features = [*request.features, *core]
    features = [f for f in dict.fromkeys(features) if f not in excluded]
    named = request.entities or ([] if request.features else list(profile_entities))
    contract = acceptance.derive_contract(archetype, has_ui, named, request.fields, features,
                                          language=request.language, anchors=request.anchors,
                                          value_fields=request.value_fields, chart=request.chart,
                                          by_fields=request.by_fields)
    # "A chat with no messages": the request rules out what its own kind of project is. Say so, as unmet.
    table = acceptance.feature_table()
    contradictions = [
        Unmet(what=table[f].label, reason=f"a {archetype} project whose {table[f].label} the request rules out")
        for f in lex.core_features.get(archetype, []) if f in excluded and f in table]
    if contradictions:
        contract = contract.model_copy(update={"unmet": [*contract.unmet, *contradictions]})
    return PlanContract(contract, features, list(request.excluded))


def plan_pages(
    archetype: str, has_ui: bool, entities: list[str], catalogue: Catalogue, lex: Lexicons, *, language: str = "en"
) -> list[str]:
    """One page per entity, named after it ("books", not the catalogue's generic "products").

    A game, a landing page and a chat are their main page: only entities beyond the ones their shape
    already shows (messages, scores) get pages of their own. A dashboard opens on an overview.
    """
    if not has_ui:
        return []
    shaped = archetype in lex.main_page_archetypes
    pages = ["overview"] if archetype == "dashboard" else []
    pages += [plural(e, language) for e in entities if not (shaped and e in lex.shown_on_main_page)]
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
