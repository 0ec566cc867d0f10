"""``path_collision``: one project path written by two agents with different content.

The merge keeps the later agent's file; mediation keeps the content that loses nothing instead: the
strict superset, or either one when the two differ only in whitespace. Anything else is escalated.
"""

from __future__ import annotations

import difflib

from grokorc_assets.conflicts.common import Context, conflict, parties
from grokorc_assets.conflicts.models import Conflict, Edit

KIND = "path_collision"


def _squash(text: str) -> str:
    return "".join(text.split())


def _lines(text: str) -> str:
    return "\n".join("".join(line.split()) for line in text.splitlines())


def _superset(big: str, small: str) -> bool:
    """Every line of ``small`` appears in ``big`` in order, and ``big`` has more."""
    a, b = small.splitlines(), big.splitlines()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return len(b) > len(a) and all(tag in ("equal", "insert") for tag, *_ in ops)


def _keeper(texts: dict[str, str]) -> tuple[str | None, str]:
    """(agent whose content to keep, why), or (None, why not)."""
    agents = list(texts)
    if len({_squash(t) for t in texts.values()}) == 1:
        return agents[-1], "the versions differ only in whitespace"
    for agent in agents:
        if all(agent == other or _superset(texts[agent], texts[other]) for other in agents):
            return agent, f"{agent}'s version is a strict superset of the others"
    return None, "the versions diverge (neither contains the other)"


def detect(ctx: Context) -> list[Conflict]:
    out: list[Conflict] = []
    every = sorted({p for tree in ctx.view.trees.values() for p in tree})
    for path in every:
        texts = {agent: tree[path] for agent, tree in ctx.view.trees.items() if path in tree}
        if len(texts) < 2 or len(set(texts.values())) == 1:
            continue
        keeper, why = _keeper(texts)
        merged_owner = list(texts)[-1]
        others = [a for a in texts if a != (keeper or merged_owner)]
        # Whitespace is not content: compare line by line with it removed.
        similarity = min(ctx.sim.texts(_lines(texts[keeper or merged_owner]), _lines(texts[o])) for o in others)
        proposal = [] if keeper is None else [Edit(path=path, new=texts[keeper])]
        out.append(conflict(
            KIND, who=parties(*texts), key=f"path:{path}", similarity=similarity, candidate=keeper,
            items=[f"{path} ({agent}: {len(text.splitlines())} lines)" for agent, text in texts.items()],
            reason=f"{path} is written by {', '.join(texts)} with different content; {why}",
            proposal=proposal))
    return out
