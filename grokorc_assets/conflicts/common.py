"""What every detector shares: the inputs (view, similarity, settings) and a conflict constructor."""

from __future__ import annotations

from dataclasses import dataclass

from grokorc_assets.conflicts.models import Conflict, Edit
from grokorc_assets.conflicts.settings import ConflictSettings
from grokorc_assets.conflicts.similarity import Similarity
from grokorc_assets.conflicts.view import AgentView
from grokorc_assets.generation.merge import AGENT_ORDER


@dataclass
class Context:
    view: AgentView
    sim: Similarity
    settings: ConflictSettings


def parties(*agents: str | None) -> list[str]:
    present = {a for a in agents if a}
    return [a for a in AGENT_ORDER if a in present]


def conflict(kind: str, *, who: list[str], items: list[str], reason: str, key: str,
             similarity: float | None = None, candidate: str | None = None,
             proposal: list[Edit] | None = None) -> Conflict:
    """A detected conflict; its resolution is decided later by ``resolve`` against the threshold."""
    return Conflict(kind=kind, parties=who, items=items, similarity=similarity, reason=reason, key=key,
                    candidate=candidate, proposal=proposal or [])
