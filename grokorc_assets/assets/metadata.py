"""Small helpers that turn values into metadata a person would rather look at than read, and the
contract's metadata models into Dagster metadata."""

from dagster import MetadataValue

from grokorc_assets.contract import Metadata, Presentation
from grokorc_assets.models import Usage

_SHOW = {Presentation.MARKDOWN: MetadataValue.md, Presentation.JSON: MetadataValue.json,
         Presentation.PATH: lambda value: MetadataValue.path(str(value))}


def dagster_metadata(model: Metadata) -> dict:
    """A contract metadata model as Dagster metadata: tables as Markdown, structures as JSON, paths as
    paths, plain values as they are."""
    return {name: _SHOW[shown](value) if shown else value for name, (value, shown) in model.shown().items()}


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        # Cells may hold user text: neutralise Markdown/HTML control characters.
        text = str(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def usage_metadata(usage: Usage) -> dict:
    """The fields of ``contract.UsageMetadata``: the per-asset LLM accounting the cost SLO sums."""
    return {
        "tokens": usage.input_tokens + usage.output_tokens,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cost_usd": float(usage.cost_usd),
        "model": usage.model,
        "tokens_estimated": usage.estimated,
    }


def file_tree_markdown(paths: list[str], limit: int = 200) -> str:
    """An indented tree of relative paths, as a Markdown code block."""
    lines: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for path in sorted(paths)[:limit]:
        parts = path.split("/")
        for depth in range(len(parts)):
            key = tuple(parts[: depth + 1])
            if key in seen:
                continue
            seen.add(key)
            suffix = "" if depth == len(parts) - 1 else "/"
            lines.append("  " * depth + parts[depth] + suffix)
    more = f"\n… and {len(paths) - limit} more" if len(paths) > limit else ""
    return "```\n" + "\n".join(lines) + "\n```" + more
