"""Offline devops generator: Dockerfiles, docker-compose, CI workflow and .env.example.

Ports and environment keys come from the same spec the backend's config is rendered from, so the
compose file, the Dockerfile and the app cannot disagree about them.
"""

from __future__ import annotations

from pathlib import Path

from grokorc_assets.generation.models import GenerationResult
from grokorc_assets.generation.render import render, reset_agent, write_files
from grokorc_assets.generation.spec import ProjectSpec, project_spec
from grokorc_assets.generation.stacks import substitutions
from grokorc_assets.models import Plan, Stack

AGENT = "devops"
GENERATED = Stack(devops=["docker-compose"])


def _files(spec: ProjectSpec) -> dict[str, str]:
    ctx = {"slug": spec.slug, "port": spec.port, "frontend_port": spec.frontend_port, "env": spec.env,
           "has_ui": spec.has_ui, "is_cli": spec.is_cli}
    files = {
        "backend/Dockerfile": render("devops/backend.Dockerfile.j2", **ctx),
        "backend/.dockerignore": render("devops/dockerignore.j2", **ctx),
        ".github/workflows/ci.yml": render("devops/ci.yml.j2", **ctx),
        ".env.example": render("devops/env.example.j2", **ctx),
        ".gitignore": render("devops/gitignore.j2", **ctx),
    }
    if not spec.is_cli:
        files["docker-compose.yml"] = render("devops/docker-compose.yml.j2", **ctx)
    if spec.has_ui:
        files["frontend/Dockerfile"] = render("devops/frontend.Dockerfile.j2", **ctx)
        files["frontend/nginx.conf"] = render("devops/nginx.conf.j2", **ctx)
    return files


def generate_devops(plan: Plan, workspace: Path, *, title: str | None = None) -> GenerationResult:
    """Write the delivery files into <workspace>/agents/devops/."""
    spec = project_spec(plan, title)
    root = reset_agent(workspace, AGENT)
    # A command line ships as an image but runs no service, so it has no compose file.
    generated = Stack() if spec.is_cli else GENERATED
    return GenerationResult(
        agent=AGENT,
        root=str(root),
        files=write_files(root, _files(spec)),
        recommended=plan.stack,
        generated=generated,
        substitutions=substitutions(plan.stack, generated, ("devops",)),
        env=spec.env,
        port=None if spec.is_cli else spec.port,
    )
