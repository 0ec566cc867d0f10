"""``detect_conflicts``: every detector over the four agents' trees."""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.conflicts import api_contract, config_mismatch, dependencies, duplicates, paths
from grokorc_assets.conflicts.common import Context
from grokorc_assets.conflicts.models import Conflict
from grokorc_assets.conflicts.settings import ConflictSettings, load_settings
from grokorc_assets.conflicts.similarity import Similarity
from grokorc_assets.conflicts.view import AgentView
from grokorc_assets.planning.embeddings import Embedder

DETECTORS = (api_contract.detect, duplicates.detect, config_mismatch.detect, dependencies.detect, paths.detect)


def detect_view(view: AgentView, sim: Similarity, settings: ConflictSettings | None = None,
                threshold: float | None = None) -> list[Conflict]:
    """Conflicts in ``view``, each marked with what the threshold would decide (``resolve`` applies it)."""
    settings = settings or load_settings()
    threshold = settings.auto_mediation_similarity if threshold is None else threshold
    ctx = Context(view=view, sim=sim, settings=settings)
    found = [c for detector in DETECTORS for c in detector(ctx)]
    return [c.model_copy(update={"resolution": "auto_mediated" if would_mediate(c, threshold) else "escalated"})
            for c in found]


def would_mediate(c: Conflict, threshold: float) -> bool:
    """A deterministic edit exists and its candidate is similar enough to trust."""
    return bool(c.proposal) and c.similarity is not None and c.similarity >= threshold


def detect_conflicts(workspace: Path, *, embedder: Embedder | None = None) -> list[Conflict]:
    """Contradictions between <workspace>/agents/{frontend,backend,devops,ui}; the trees are only read."""
    return detect_view(AgentView.from_workspace(Path(workspace)), Similarity(embedder))
