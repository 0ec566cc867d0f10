"""Stack completion: the request's explicit technologies, the rest from the neighbours' weighted choices."""

from __future__ import annotations

from collections.abc import Iterable

from grokorc_assets.models import STACK_LAYERS, Neighbour, Stack
from grokorc_assets.planning.catalogue import Catalogue
from grokorc_assets.planning.lexicon import load_lexicons
from grokorc_assets.planning.technologies import layer_of


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
