"""Offline project generation: backend, frontend, devops agents and UI inference.

Each agent writes into its own staging tree ``<workspace>/agents/<agent>/`` with paths relative to the
generated project root; ``merge_agents`` unions the trees into ``<workspace>/project/``.
"""

from grokorc_assets.generation.backend import generate_backend
from grokorc_assets.generation.devops import generate_devops
from grokorc_assets.generation.frontend import generate_frontend
from grokorc_assets.generation.merge import AGENT_ORDER, merge_agents
from grokorc_assets.generation.models import (
    Binding,
    Endpoint,
    GeneratedFile,
    GenerationResult,
    Substitution,
    UiNode,
    UiPage,
    UiResult,
)
from grokorc_assets.generation.spec import project_spec
from grokorc_assets.generation.ui import infer_ui

__all__ = [
    "AGENT_ORDER", "Binding", "Endpoint", "GeneratedFile", "GenerationResult", "Substitution", "UiNode",
    "UiPage", "UiResult", "generate_backend", "generate_devops", "generate_frontend", "infer_ui",
    "merge_agents", "project_spec",
]
