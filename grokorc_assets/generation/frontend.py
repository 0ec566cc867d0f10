"""Offline frontend generator: a static, build-free shell (HTML, CSS, api.js, app.js) and the main page.

The main page is shaped by the archetype (a game, a chat, a landing page, or the entry to the resource
pages); the ui stage renders the other pages into the same shell.
"""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation.models import GenerationResult
from grokorc_assets.generation.render import render, render_html, reset_agent, write_files
from grokorc_assets.generation.site import NavLink, nav_links, resource_by_name, shell_flags, site_data
from grokorc_assets.generation.spec import ProjectSpec, endpoints_of, project_spec
from grokorc_assets.generation.stacks import substitutions
from grokorc_assets.generation.ui import main_tree
from grokorc_assets.generation.ui_text import script_text, template_text, text
from grokorc_assets.models import Plan, Stack

AGENT = "frontend"
__all__ = ["NavLink", "generate_frontend", "nav_links", "resource_meta"]
GENERATED = Stack(frontend=["vanilla"])


def resource_meta(spec: ProjectSpec) -> dict:
    """Field descriptions api.js exposes to scripts (labels stay plain data, never markup)."""
    return {
        r.plural: {"label": r.label, "fields": [f.model_dump(include={"name", "label", "type", "required"})
                                                  for f in r.fields]}
        for r in spec.resources
    }


def _api_context(spec: ProjectSpec) -> dict:
    """Which feature calls api.js carries, each on the resource the feature works on: a call the
    backend does not serve would be a contract conflict, so only the plan's features get one."""
    keys = set(spec.feature_keys)
    main = resource_by_name(spec, spec.roles.main)

    def plural_of(feature: str) -> str | None:
        r = resource_by_name(spec, spec.roles.target(feature)) if feature in keys else None
        return r.plural if r else None

    return {
        "keys": keys,
        "main": main.plural if main else None,
        # Comments, ratings and votes work on the resource the request named them with.
        "comments_on": plural_of("comments"), "ratings_on": plural_of("ratings"), "votes_on": plural_of("votes"),
        "charts_on": plural_of("charts"),
        "attachments_on": plural_of("file_upload") or plural_of("media_gallery"),
        "contact": "contact_form" in keys or spec.archetype == "landing",
    }


def _game_js(spec: ProjectSpec) -> dict[str, str]:
    if spec.archetype != "game":
        return {}
    return {"frontend/game.js": render("frontend/game.js.j2", params=site_data()["game"],
                                       text=script_text(spec.language, "js", "game_js"))}


def _index(spec: ProjectSpec) -> str:
    scripts = ["game.js"] if spec.archetype == "game" else []
    return render_html(
        "frontend/index.html.j2", title=spec.title, page_title=text("page.home", spec.language), prefix="",
        scripts=scripts, nav=nav_links(spec, None, in_pages_dir=False), components=main_tree(spec),
        **shell_flags(spec), **template_text(spec.language))


def _files(spec: ProjectSpec) -> dict[str, str]:
    endpoints = endpoints_of(spec.resources)
    return {
        "frontend/index.html": _index(spec),
        "frontend/styles.css": render("frontend/styles.css.j2"),
        "frontend/api.js": render("frontend/api.js.j2", resources=spec.resources, endpoints=endpoints,
                                  resource_meta=resource_meta(spec), text=script_text(spec.language, "api_js"),
                                  **_api_context(spec)),
        "frontend/app.js": render("frontend/app.js.j2", text=script_text(spec.language, "js", "app_js")),
        **_game_js(spec),
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
