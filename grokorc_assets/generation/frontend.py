"""Offline frontend generator: a static, build-free shell (HTML, CSS, api.js, app.js).

The ui stage renders the pages into the same shell; this agent owns only the files every page shares.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from grokorc_assets.generation.models import GenerationResult
from grokorc_assets.generation.render import render, render_html, reset_agent, write_files
from grokorc_assets.generation.spec import ProjectSpec, endpoints_of, project_spec
from grokorc_assets.generation.stacks import substitutions
from grokorc_assets.models import Plan, Stack

AGENT = "frontend"
GENERATED = Stack(frontend=["vanilla"])


class NavLink(BaseModel):
    label: str
    href: str
    current: bool = False


def nav_links(spec: ProjectSpec, current: str | None, in_pages_dir: bool) -> list[NavLink]:
    """Primary navigation: home plus every page; hrefs are built from sanitised slugs only."""
    home = "../index.html" if in_pages_dir else "index.html"
    prefix = "" if in_pages_dir else "pages/"
    links = [NavLink(label="Home", href=home, current=current is None)]
    links += [NavLink(label=label, href=f"{prefix}{slug}.html", current=slug == current)
              for label, slug in spec.pages]
    return links


def resource_meta(spec: ProjectSpec) -> dict:
    """Field descriptions api.js exposes to scripts (labels stay plain data, never markup)."""
    return {
        r.plural: {"label": r.label, "fields": [f.model_dump(include={"name", "label", "type", "required"})
                                                  for f in r.fields]}
        for r in spec.resources
    }


def _files(spec: ProjectSpec) -> dict[str, str]:
    endpoints = endpoints_of(spec.resources)
    ctx = {"title": spec.title, "resources": spec.resources, "endpoints": endpoints}
    return {
        "frontend/index.html": render_html(
            "frontend/index.html.j2", **ctx, page_title="Home", prefix="", archetype=spec.archetype,
            nav=nav_links(spec, None, in_pages_dir=False), pages=spec.pages, features=spec.features,
            labels={r.name: r.label for r in spec.resources}),
        "frontend/styles.css": render("frontend/styles.css.j2"),
        "frontend/api.js": render("frontend/api.js.j2", **ctx, resource_meta=resource_meta(spec)),
        "frontend/app.js": render("frontend/app.js.j2"),
    }


def generate_frontend(plan: Plan, workspace: Path, *, title: str | None = None) -> GenerationResult:
    """Write the static frontend into <workspace>/agents/frontend/; nothing for plans without a UI."""
    spec = project_spec(plan, title)
    root = reset_agent(workspace, AGENT)
    common = {"agent": AGENT, "root": str(root), "recommended": plan.stack}
    if not spec.has_ui:
        return GenerationResult(**common, applicable=False, generated=Stack(),
                                reason=f"a {plan.archetype} plan has no user interface")
    return GenerationResult(
        **common,
        files=write_files(root, _files(spec)),
        generated=GENERATED,
        substitutions=substitutions(plan.stack, GENERATED, ("frontend",)),
        endpoints=endpoints_of(spec.resources),
        resources=spec.resources,
    )
