"""``resolve``: merge the agents' trees, apply the mediations that clear the threshold, ask a mediator
about the rest, and record every applied edit as a unified diff.

An edit (a rule's or a mediator's) is kept only when it applies cleanly and re-detection on the edited
project no longer finds that conflict and finds nothing new; otherwise the project is left as it was.
The agents' own trees are never written.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from grokorc_assets.conflicts.detect import detect_view, would_mediate
from grokorc_assets.conflicts.models import Conflict, ConflictReport, Edit, MediationAnswer, MediationRequest
from grokorc_assets.conflicts.settings import load_settings
from grokorc_assets.conflicts.similarity import Similarity
from grokorc_assets.conflicts.view import AgentView
from grokorc_assets.generation.merge import merge_agents
from grokorc_assets.planning.embeddings import Embedder

Mediator = Callable[[MediationRequest], MediationAnswer | None]
DIFF_DIR = "conflicts"
COMBINED_DIFF = "mediation.diff"


def apply_edit(text: str, edit: Edit) -> str | None:
    """The edited text, or None when the edit does not apply exactly."""
    if edit.old is None:
        return edit.new
    if not edit.old:
        return None
    if edit.line is None:
        return text.replace(edit.old, edit.new) if text.count(edit.old) == 1 else None
    lines = text.splitlines(keepends=True)
    if edit.line > len(lines) or edit.old not in lines[edit.line - 1]:
        return None
    lines[edit.line - 1] = lines[edit.line - 1].replace(edit.old, edit.new)
    return "".join(lines)


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts and "\\" not in path


def apply_edits(files: dict[str, str], edits: list[Edit]) -> dict[str, str] | None:
    """{path: new text} for the touched files, or None if any edit is unsafe or does not apply."""
    changed: dict[str, str] = {}
    for edit in edits:
        if not _safe(edit.path) or edit.path not in files:
            return None
        new = apply_edit(changed.get(edit.path, files[edit.path]), edit)
        if new is None:
            return None
        changed[edit.path] = new
    # A no-op edit is allowed: re-detection decides whether it resolved anything (a path collision
    # whose keeper is already the merged file needs no change at all).
    return changed or None


def _diff(before: dict[str, str], after: dict[str, str]) -> str:
    return "".join("".join(difflib.unified_diff(before[p].splitlines(keepends=True), after[p].splitlines(keepends=True),
                                                fromfile=f"a/{p}", tofile=f"b/{p}")) for p in sorted(after))


class _Session:
    """The merged project's files in memory while conflicts are worked through one by one."""

    def __init__(self, workspace: Path, sim: Similarity) -> None:
        self.workspace = workspace
        self.sim = sim
        self.original = AgentView.from_workspace(workspace)
        self.files = self.original.merged()
        self.edited: set[str] = set()
        self.settled: set[str] = set()
        self.open_keys = {c.key for c in self._detect(self.files, self.edited, self.settled)}
        self.diffs: list[tuple[Conflict, str]] = []

    def _detect(self, files: dict[str, str], edited: set[str], settled: set[str]) -> list[Conflict]:
        return detect_view(AgentView.after_edits(self.original, files, edited, settled), self.sim)

    def try_apply(self, conflict: Conflict, edits: list[Edit]) -> str | None:
        """Apply ``edits`` if they clear ``conflict`` and raise nothing new; returns why not, or None."""
        changed = apply_edits(self.files, edits)
        if changed is None:
            return "the edit does not apply to the merged project"
        candidate, edited = {**self.files, **changed}, self.edited | set(changed)
        # Only an edit made for a path collision settles which version of that path every agent means.
        settled = self.settled | (set(changed) if conflict.kind == "path_collision" else set())
        keys = {c.key for c in self._detect(candidate, edited, settled)}
        if conflict.key in keys:
            return "the edit does not remove the conflict"
        if new := keys - self.open_keys:
            return f"the edit would introduce {len(new)} new conflict(s)"
        self.diffs.append((conflict, _diff(self.files, changed)))
        self.files, self.edited, self.settled, self.open_keys = candidate, edited, settled, keys
        return None


def _request(conflict: Conflict, files: dict[str, str], limit: int) -> MediationRequest:
    named = {e.path for e in conflict.proposal} | {i.split(":", 1)[0].split(" ", 1)[0] for i in conflict.items}
    return MediationRequest(conflict=conflict, files={p: files[p][:limit] for p in sorted(named) if p in files})


def _ask(mediator: Mediator, session: _Session, conflict: Conflict, limit: int) -> Conflict:
    try:
        answer = mediator(_request(conflict, session.files, limit))
    except Exception as exc:  # a mediator is advisory: its failure leaves the conflict open, never the build
        return conflict.model_copy(update={"reason": f"{conflict.reason}; mediator failed ({type(exc).__name__})"})
    if answer is None or not answer.edits:
        return conflict.model_copy(update={"reason": f"{conflict.reason}; mediator proposed no edit"})
    why_not = session.try_apply(conflict, answer.edits)
    if why_not:
        return conflict.model_copy(update={"reason": f"{conflict.reason}; mediator's answer rejected: {why_not}"})
    return conflict.model_copy(update={"resolved": True, "mediated_by": "mediator",
                                       "reason": f"{conflict.reason}; resolved by the mediator: {answer.reason}"})


def _settle(session: _Session, conflict: Conflict, threshold: float, mediator: Mediator | None, limit: int) -> Conflict:
    sim = "n/a" if conflict.similarity is None else f"{conflict.similarity:.2f}"
    if would_mediate(conflict, threshold):
        why_not = session.try_apply(conflict, conflict.proposal)
        if why_not is None:
            return conflict.model_copy(update={
                "resolution": "auto_mediated", "resolved": True, "mediated_by": "rule",
                "reason": f"{conflict.reason}; aligned to {conflict.candidate!r} (similarity {sim} >= {threshold})"})
        escalated = conflict.model_copy(update={"resolution": "escalated",
                                                "reason": f"{conflict.reason}; escalated: {why_not}"})
    elif conflict.proposal:
        escalated = conflict.model_copy(update={"resolution": "escalated", "reason": (
            f"{conflict.reason}; escalated: best candidate {conflict.candidate!r} at similarity {sim} < {threshold}")})
    else:
        escalated = conflict.model_copy(update={"resolution": "escalated", "reason": (
            f"{conflict.reason}; escalated: no deterministic resolution")})
    return _ask(mediator, session, escalated, limit) if mediator is not None else escalated


def _write(workspace: Path, project: Path, session: _Session) -> list[str]:
    out_dir = workspace / DIFF_DIR
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    paths: list[str] = []
    for n, (conflict, diff) in enumerate(session.diffs, start=1):
        path = out_dir / f"{n:03d}-{conflict.kind}.diff"
        path.write_text(diff, encoding="utf-8")
        paths.append(str(path))
    (out_dir / COMBINED_DIFF).write_text("".join(d for _, d in session.diffs), encoding="utf-8")
    for rel, text in session.files.items():
        target = project / rel
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return [str(out_dir / COMBINED_DIFF), *paths]


def resolve(workspace: Path, conflicts: list[Conflict], *, threshold: float | None = None,
            mediator: Mediator | None = None, embedder: Embedder | None = None) -> ConflictReport:
    """Build <workspace>/project/ from the agents' trees with every accepted mediation applied.

    Diffs go to <workspace>/conflicts/ (``mediation.diff`` holds them all, ``NNN-<kind>.diff`` one each).
    """
    workspace = Path(workspace)
    settings = load_settings()
    threshold = settings.auto_mediation_similarity if threshold is None else threshold
    project = merge_agents(workspace)
    session = _Session(workspace, Similarity(embedder))
    items = [_settle(session, c, threshold, mediator, settings.mediator_context_chars) for c in conflicts]
    diff_paths = _write(workspace, project, session)
    return ConflictReport(conflicts_detected=len(items), conflicts_resolved=sum(c.resolved for c in items),
                          items=items, project_dir=str(project), diff_paths=diff_paths, threshold=threshold,
                          edited_paths=sorted(session.edited), settled_paths=sorted(session.settled))
