"""Fixtures for the generator tests: generated projects (one per plan, per session) and Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from grokorc_assets.generation import (
    generate_backend,
    generate_devops,
    generate_frontend,
    infer_ui,
    merge_agents,
)
from grokorc_tests.generation_tests.plans import ALL_PLANS, title_for

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


class Generated:
    def __init__(self, name: str, workspace: Path) -> None:
        self.name = name
        self.plan = ALL_PLANS[name]()
        title = title_for(name)
        self.workspace = workspace
        self.backend = generate_backend(self.plan, workspace, title=title)
        self.frontend = generate_frontend(self.plan, workspace, title=title)
        self.devops = generate_devops(self.plan, workspace, title=title)
        self.ui = infer_ui(self.plan, workspace, self.backend, title=title)
        self.project = merge_agents(workspace)


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Lazily generate each plan's project once per session."""
    cache: dict[str, Generated] = {}

    def get(name: str) -> Generated:
        if name not in cache:
            cache[name] = Generated(name, tmp_path_factory.mktemp(f"ws-{name}"))
        return cache[name]

    return get


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API allows one instance per thread at a time, and
    # later test packages start their own.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
