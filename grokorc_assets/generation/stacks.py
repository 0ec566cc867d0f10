"""What the offline templates can generate, and why it differs from what the plan recommends."""

from __future__ import annotations

from grokorc_assets.generation.models import Substitution
from grokorc_assets.models import Stack

OFFLINE_NOTE = "offline templates generate"
DISPLAY = {
    "vanilla": "vanilla JS (static HTML, no build step)",
    "fastapi": "FastAPI",
    "python": "a Python argparse command line",
    "sqlite": "SQLite",
    "json-file": "a JSON data file",
    "docker-compose": "docker-compose",
}


def substitutions(recommended: Stack, generated: Stack, layers: tuple[str, ...]) -> list[Substitution]:
    """One entry per recommended technology of ``layers`` that the generated stack does not contain."""
    out: list[Substitution] = []
    for layer in layers:
        made = getattr(generated, layer)
        for tech in getattr(recommended, layer):
            if tech in made or not made:
                continue
            out.append(Substitution(
                layer=layer, recommended=tech, generated=made[0],
                reason=f"{tech} recommended; {OFFLINE_NOTE} {DISPLAY.get(made[0], made[0])}",
            ))
    return out
