"""A mediator backed by an LLM provider: shown one escalated conflict and the files involved, it answers
with literal edits (``MediationAnswer``), which ``resolve`` applies only after validating them.
"""

from __future__ import annotations

import json

from grokorc_assets.conflicts.models import MediationAnswer, MediationRequest
from grokorc_assets.conflicts.resolve import Mediator
from grokorc_assets.llm import LLMProvider, LLMRequest

SYSTEM = (
    "You mediate a contradiction between code-generating agents (frontend, backend, devops, ui) of one "
    "project. Answer with JSON {\"edits\": [{\"path\": ..., \"old\": ..., \"new\": ...}], \"reason\": ...}: "
    "each edit replaces the exact text `old`, which must occur exactly once in that project file, by `new`. "
    "Prefer changing the caller or the configuration to match the backend. Answer {\"edits\": []} when unsure."
)


def llm_mediator(provider: LLMProvider, *, project_id: str, revision: int = 1) -> Mediator:
    """A ``Mediator`` that asks ``provider``; provider errors propagate to ``resolve``, which keeps the
    conflict escalated."""

    def mediate(request: MediationRequest) -> MediationAnswer | None:
        c = request.conflict
        user = json.dumps({
            "conflict": c.model_dump(include={"kind", "parties", "items", "similarity", "reason", "candidate"}),
            "files": request.files,
        }, ensure_ascii=False, indent=1)
        llm_request = LLMRequest(system=SYSTEM, user=user, asset="conflicts", project_id=project_id,
                                 revision=revision)
        answer = provider.complete_json(llm_request, MediationAnswer).value
        # Whole-file rewrites are not accepted from a model: only exact, checkable replacements.
        if any(e.old is None for e in answer.edits):
            return None
        return answer.model_copy(update={"edits": [e.model_copy(update={"line": None}) for e in answer.edits]})

    return mediate
