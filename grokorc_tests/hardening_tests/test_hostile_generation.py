"""Valid hostile messages still plan and generate offline, inside the workspace; injected markup in the
generated pages stays text in real Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui, merge_agents
from grokorc_assets.generation.spec import label_of
from grokorc_assets.models import Plan
from grokorc_assets.planning.service import Planner
from grokorc_tests.generation_tests.browser_util import XSS_HOOK, html_pages, visit
from grokorc_tests.generation_tests.conftest import CHROMIUM_ARGS
from grokorc_tests.hardening_tests.hostile_inputs import MESSAGE_CASES, XSS_SAMPLE, Case
from grokorc_tests.hardening_tests.safety import Snapshot

VALID = [c for c in MESSAGE_CASES if c.accepted and isinstance(c.value, str)]
BY_NAME = {c.name: c for c in VALID}
TITLE_CHARS = 120  # what the generators keep of a title (spec.MAX_LABEL for titles)


@pytest.fixture(scope="module")
def planner(engine) -> Planner:
    return Planner(engine)


@pytest.fixture(scope="module")
def generated(planner, tmp_path_factory):
    """Plan + offline generation of a case's message, once per module (the message is also the title)."""
    cache: dict[str, tuple[Plan, Path, Path]] = {}

    def get(case: Case) -> tuple[Plan, Path, Path]:
        if case.name not in cache:
            plan, _ = planner.plan(case.value, f"hostile-{case.name}"[:63], 1)
            workspace = tmp_path_factory.mktemp(f"hostile-ws-{len(cache)}")
            title = case.value
            backend = generate_backend(plan, workspace, title=title)
            generate_frontend(plan, workspace, title=title)
            generate_devops(plan, workspace, title=title)
            infer_ui(plan, workspace, backend, title=title)
            cache[case.name] = (plan, workspace, merge_agents(workspace))
        return cache[case.name]

    return get


@pytest.fixture(scope="module")
def snapshot(grokorc_home):
    return Snapshot.take(grokorc_home)


@pytest.mark.parametrize("case", VALID, ids=[c.name for c in VALID])
def test_valid_hostile_message_plans_and_generates_inside_the_workspace(generated, snapshot, case: Case):
    plan, workspace, project = generated(case)
    assert plan.usage.model == "offline" and 0.0 <= plan.confidence <= 1.0
    files = [p for p in project.rglob("*") if p.is_file()]
    assert files, "generation produced nothing"
    assert any(p.relative_to(project).parts[0] == "backend" for p in files)
    if plan.has_ui:
        assert (project / "frontend" / "index.html").is_file()
    for path in workspace.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(workspace.resolve()), path
        # Names come from sanitised slugs, never from the raw message.
        assert path.name.isprintable() and "\u202e" not in path.name and "<" not in path.name, path
    assert snapshot.problems_since() == []


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_init_script(XSS_HOOK)
        yield context.new_page()
        context.close()
        browser.close()


def test_the_xss_detector_can_fail(page, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><p data-health>x</p><script>alert(1)</script><img src=x onerror="prompt(1)">')
    seen = visit(page, bad, 1280)
    assert seen.xss or seen.dialogs


@pytest.mark.parametrize("name", XSS_SAMPLE)
def test_injected_markup_in_the_request_never_runs(generated, page, name: str):
    case = BY_NAME[name]
    plan, _, project = generated(case)
    pages = html_pages(project)
    assert pages and len(case.value) <= TITLE_CHARS
    title = label_of(case.value, TITLE_CHARS)
    for path in pages:
        seen = visit(page, path, 1280)
        assert not seen.xss and seen.dialogs == [], (path.name, seen.dialogs)
        assert seen.page_errors == [], (path.name, seen.page_errors)
        assert seen.probe["images"] == 0 and seen.probe["eventHandlers"] == 0, (path.name, seen.probe)
        assert all(src and src.endswith((".js",)) and "://" not in src for src in seen.probe["scripts"]), seen.probe
        assert "49" not in seen.text.replace(title, ""), "a template expression was evaluated"
    index = visit(page, project / "frontend" / "index.html", 1280)
    # The payload reached the page and shows as literal text: escaped, not evaluated.
    assert title in " ".join(index.text.split()) or title in page.title(), (title, page.title())
    assert os.path.commonpath([project, *pages]) == str(project)
