"""Baselines end to end: first run records, an unchanged page passes, a changed page fails, and after
approval (promotion with who and when) it passes; nothing earlier is deleted."""

import uuid
from pathlib import Path

import pytest

from grokorc_assets.storage.baselines import PostgresBaselineStore
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import PageSpec, Viewport, load_settings
from grokorc_assets.visual.capture import capture
from grokorc_assets.visual.regression import Tolerance, judge_shots

PAGE = """<!doctype html><html lang="en"><head><title>t</title><style>
body {{ font-family: sans-serif; margin: 0; }} h1 {{ color: {colour}; padding: 20px; }}
</style></head><body><main><h1>{title}</h1><p>Orders by region</p></main></body></html>"""
VIEWPORTS = [Viewport(name="mobile", width=375, height=667), Viewport(name="desktop", width=1440, height=900)]


@pytest.fixture(scope="module")
def session():
    with BrowserSession(load_settings().with_overrides(network_idle_timeout_s=0)) as browser:
        yield browser


def run(session, tmp_path, store, project_id, revision, html):
    page = tmp_path / f"r{revision}" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(html)
    records = capture([PageSpec(name="index", url=page.as_uri())], VIEWPORTS, tmp_path / f"r{revision}" / "shots",
                      session=session)
    return judge_shots(records, store, project_id, revision, tmp_path / f"r{revision}" / "diffs", Tolerance())


def test_new_then_passed_then_failed_then_approved(session, tmp_path, engine, settings):
    store = PostgresBaselineStore(engine, settings.home / "baselines")
    project = f"vis-{uuid.uuid4().hex[:8]}"
    original = PAGE.format(colour="#1a4d8f", title="Revenue")

    first = run(session, tmp_path, store, project, 1, original)
    assert (first.total, first.new, first.failed) == (2, 2, 0)

    same = run(session, tmp_path, store, project, 2, original)
    assert (same.passed, same.failed, same.new) == (2, 0, 0) and same.max_diff_ratio == 0.0

    changed = run(session, tmp_path, store, project, 3, PAGE.format(colour="#b00020", title="Revenue by region"))
    assert changed.failed == 2 and changed.max_diff_ratio > 0.001
    assert all(s.diff_path for s in changed.shots)

    for shot in changed.shots:  # what `grokorc approve` does for each of the latest shots
        store.promote(project, shot.page, shot.viewport, Path(shot.path), 3, "reviewer")
    approved = run(session, tmp_path, store, project, 4, PAGE.format(colour="#b00020", title="Revenue by region"))
    assert (approved.passed, approved.failed) == (2, 0)

    history = store.history(project)
    assert len(history) == 4 and sum(not h["superseded"] for h in history) == 2
    assert {h["approved_by"] for h in history} == {"grokorc (first run)", "reviewer"}


def test_a_byte_identical_shot_passes_without_a_diff_and_a_re_encoded_one_is_compared(session, tmp_path, engine,
                                                                                      settings):
    from PIL import Image

    store = PostgresBaselineStore(engine, settings.home / "baselines")
    project = f"vis-{uuid.uuid4().hex[:8]}"
    html = PAGE.format(colour="#1a4d8f", title="Revenue")
    run(session, tmp_path, store, project, 1, html)
    same = run(session, tmp_path, store, project, 2, html)
    assert [s.message for s in same.shots] == ["identical to the baseline"] * 2

    page = tmp_path / "r3" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(html)
    records = capture([PageSpec(name="index", url=page.as_uri())], VIEWPORTS, tmp_path / "r3" / "shots",
                      session=session)
    for record in records:  # the same pixels in other bytes: only the pixel diff can tell they are equal
        before = Path(record.path).read_bytes()
        Image.open(record.path).save(record.path, compress_level=1)
        assert Path(record.path).read_bytes() != before
    reencoded = judge_shots(records, store, project, 3, tmp_path / "r3" / "diffs", Tolerance())
    assert reencoded.passed == 2 and reencoded.max_diff_ratio == 0.0
    assert all(s.message != "identical to the baseline" for s in reencoded.shots)
