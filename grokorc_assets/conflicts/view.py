"""What each agent wrote, read once: the input every detector works on.

Detectors never touch the disk themselves, so the same code checks the agents' trees before merging
and (to validate a mediation) the merged project re-projected onto each agent's paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grokorc_assets.generation.merge import AGENT_ORDER

MAX_TEXT_BYTES = 2_000_000  # generated text files are small; anything larger is not ours to parse


def _read_tree(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    if not root.is_dir():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.stat().st_size > MAX_TEXT_BYTES:
            continue
        try:
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary assets carry no contracts
    return files


@dataclass
class AgentView:
    """agent -> {project-relative path: text}, agents in merge order."""

    trees: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_workspace(cls, workspace: Path) -> AgentView:
        return cls({agent: _read_tree(Path(workspace) / "agents" / agent) for agent in AGENT_ORDER})

    @classmethod
    def after_edits(cls, original: AgentView, merged: dict[str, str], edited: set[str],
                    settled: set[str] = frozenset()) -> AgentView:
        """How the agents look after mediation. An edited path reads as the merged project has it for the
        agent whose version the merge kept; a settled path (a mediated collision) for every agent that
        wrote it; everything else as written. So fixing a call in a collided file does not hide the
        collision."""
        return cls({agent: {p: merged.get(p, text) if p in settled or (p in edited and original.owner(p) == agent)
                            else text for p, text in tree.items()}
                    for agent, tree in original.trees.items()})

    @classmethod
    def from_project(cls, original: AgentView, project: Path, edited: list[str], settled: list[str]) -> AgentView:
        return cls.after_edits(original, _read_tree(project), set(edited), set(settled))

    def owner(self, path: str) -> str | None:
        """The agent whose version the merge keeps (the last in merge order that wrote the path)."""
        owners = [agent for agent, tree in self.trees.items() if path in tree]
        return owners[-1] if owners else None

    def text(self, path: str) -> str | None:
        owner = self.owner(path)
        return None if owner is None else self.trees[owner][path]

    def merged(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for tree in self.trees.values():
            out.update(tree)
        return out

    def paths(self, agent: str) -> list[str]:
        return sorted(self.trees.get(agent, {}))


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1
