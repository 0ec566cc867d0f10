"""Typed conflicts, the edits that mediate them and the report the ``conflicts`` asset stores.

The report's ``as_result()`` is the ``conflicts`` section of the final result (docs/design.md "Final result"):
``conflicts_detected``, ``conflicts_resolved`` and ``items`` with ``kind``, ``parties``,
``similarity``, ``resolution`` and ``reason``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConflictKind = Literal["api_contract", "duplicate_component", "config_mismatch", "dependency_conflict",
                       "path_collision"]
Resolution = Literal["auto_mediated", "escalated"]
KINDS: tuple[str, ...] = ("api_contract", "duplicate_component", "config_mismatch", "dependency_conflict",
                          "path_collision")


class Edit(BaseModel):
    """One change to a file of the merged project, relative to the project root.

    ``old`` set: replace that exact text (on ``line`` when given, else it must occur exactly once in the
    file). ``old`` unset: the file's whole content becomes ``new``.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    new: str
    old: str | None = None
    line: int | None = Field(default=None, ge=1)


class Conflict(BaseModel):
    kind: ConflictKind
    parties: list[str]  # agents whose outputs disagree, in AGENT_ORDER
    items: list[str]  # what exactly: "frontend/api.js:63 GET /api/order", names, values
    similarity: float | None = None  # of the best mediation candidate, where one applies
    resolution: Resolution = "escalated"
    reason: str
    # Identity across re-detection: a mediation worked when no conflict with this key is found again.
    key: str
    candidate: str | None = None  # what the deterministic mediation would align to
    proposal: list[Edit] = Field(default_factory=list)  # that mediation's edits (empty: none exists)
    mediated_by: Literal["rule", "mediator"] | None = None
    resolved: bool = False  # an edit was applied (by rule, or a mediator's validated answer)

    def public(self) -> dict:
        """The fields the final result and dashboards carry."""
        return self.model_dump(include={"kind", "parties", "items", "similarity", "resolution", "reason",
                                        "candidate", "mediated_by", "resolved"})


class MediationRequest(BaseModel):
    """What an (LLM) mediator is shown for one escalated conflict."""

    conflict: Conflict
    files: dict[str, str]  # project-relative path -> current text (bounded)


class MediationAnswer(BaseModel):
    """A mediator's answer: literal replacements in the merged project, or none when it cannot decide."""

    edits: list[Edit] = Field(default_factory=list)
    reason: str = ""


class ConflictReport(BaseModel):
    conflicts_detected: int
    conflicts_resolved: int
    items: list[Conflict]
    project_dir: str
    diff_paths: list[str] = Field(default_factory=list)  # mediation.diff first, then one per mediation
    threshold: float
    edited_paths: list[str] = Field(default_factory=list)  # project files a mediation wrote
    settled_paths: list[str] = Field(default_factory=list)  # collided paths whose version was mediated

    def by_kind(self) -> dict[str, int]:
        return {kind: sum(1 for c in self.items if c.kind == kind) for kind in KINDS}

    def as_result(self) -> dict:
        """The ``conflicts`` section of the final result."""
        return {"conflicts_detected": self.conflicts_detected, "conflicts_resolved": self.conflicts_resolved,
                "items": [c.public() for c in self.items], "threshold": self.threshold,
                "diff_paths": self.diff_paths}

    def to_markdown(self) -> str:
        """A table for people: one row per conflict, pipes and newlines escaped."""
        rows = [f"**Conflicts:** {self.conflicts_detected} detected, {self.conflicts_resolved} resolved "
                f"(auto-mediation at similarity >= {self.threshold:.2f})", "",
                "| # | kind | parties | similarity | resolution | items | reason |",
                "|---|---|---|---|---|---|---|"]
        for n, c in enumerate(self.items, start=1):
            sim = "n/a" if c.similarity is None else f"{c.similarity:.2f}"
            cells = [str(n), c.kind, ", ".join(c.parties), sim, c.resolution, "; ".join(c.items), c.reason]
            rows.append("| " + " | ".join(_cell(x) for x in cells) + " |")
        return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
