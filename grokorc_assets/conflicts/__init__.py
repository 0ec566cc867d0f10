"""Conflicts between the parallel agents' outputs: detection, deterministic auto-mediation above a
similarity threshold, escalation (optionally to an LLM mediator) below it. Plain Python: no Dagster.
"""

from grokorc_assets.conflicts.detect import detect_conflicts, detect_view
from grokorc_assets.conflicts.mediator import llm_mediator
from grokorc_assets.conflicts.models import (
    KINDS,
    Conflict,
    ConflictReport,
    Edit,
    MediationAnswer,
    MediationRequest,
)
from grokorc_assets.conflicts.resolve import Mediator, apply_edit, resolve
from grokorc_assets.conflicts.settings import ConflictSettings, load_settings
from grokorc_assets.conflicts.view import AgentView

__all__ = [
    "KINDS", "AgentView", "Conflict", "ConflictReport", "ConflictSettings", "Edit", "MediationAnswer",
    "MediationRequest", "Mediator", "apply_edit", "detect_conflicts", "detect_view", "llm_mediator",
    "load_settings", "resolve",
]
