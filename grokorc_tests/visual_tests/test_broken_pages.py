"""Broken pages on a served, seeded app: an error state (or an empty state despite seeded data) fails
the page's shots and never becomes a baseline; a page that renders the seeded data is judged normally."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from grokorc_assets.sandbox import bwrap_usable
from grokorc_assets.serve import served_project
from grokorc_assets.serve.seed import seed_sample_data
from grokorc_assets.storage.baselines import PostgresBaselineStore
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import PageSpec, Viewport, load_settings
from grokorc_assets.visual.capture import capture
from grokorc_assets.visual.regression import Tolerance, judge_shots
from grokorc_tests.serve_tests.apps import write_project

pytestmark = pytest.mark.skipif(not bwrap_usable()[0], reason="bwrap sandbox not usable here")

DESKTOP = [Viewport(name="desktop", width=1024, height=700)]
HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><main>'

# What the generated pages do: fetch their resource, then show exactly one of error / empty / ready.
LIST_PAGE = HEAD + """<h1>Notes</h1>
<p data-state="loading">Loading</p><p data-state="error" hidden></p><p data-state="empty" hidden>No notes yet</p>
<ul data-state="ready" hidden></ul></main><script>
const show = (state) => document.querySelectorAll('[data-state]').forEach((el) => {
  el.hidden = el.dataset.state !== state; });
fetch('/api/{plural}').then((r) => { if (!r.ok) throw new Error('The API answered ' + r.status); return r.json(); })
  .then((items) => {
    if (!items.length) return show('empty');
    document.querySelector('ul').innerHTML = items.map((n) => '<li>' + n.title + '</li>').join('');
    show('ready');
  })
  .catch((err) => { document.querySelector('[data-state="error"]').textContent = 'Could not load: ' + err.message;
                    show('error'); });
</script></body></html>"""


@pytest.fixture(scope="module")
def session():
    # Default settings: network-idle waiting on, as in visual_test (the pages fetch their data).
    with BrowserSession(load_settings()) as browser:
        yield browser


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "project",
        index=HEAD + '<h1>Home</h1><div data-state="error">Could not load the dashboard.</div></main></body></html>',
        pages={"notes": LIST_PAGE.replace("{plural}", "notes"),
               "tasks": LIST_PAGE.replace("{plural}", "tasks"),  # never seeded: shows its empty state
               "hidden": HEAD + '<h1>Fine</h1><p data-state="error" hidden>unused template</p></main></body></html>'},
    )


def test_error_and_empty_pages_fail_and_are_never_baselined(session: BrowserSession, project: Path,
                                                             tmp_path: Path, engine, settings) -> None:
    store = PostgresBaselineStore(engine, settings.home / "baselines")
    project_id = f"broken-{uuid.uuid4().hex[:8]}"
    with served_project(project) as app:
        seed = seed_sample_data(app.url, [{"plural": "notes", "fields": [
            {"name": "title", "type": "str", "example": "Buy milk"}]}], per_resource=2)
        pages = [PageSpec(name="index", url=f"{app.url}/"),
                 *(PageSpec(name=slug, url=f"{app.url}/pages/{slug}.html") for slug in ("notes", "tasks", "hidden")),
                 PageSpec(name="missing", url=f"{app.url}/pages/missing.html")]
        records = capture(pages, DESKTOP, tmp_path / "shots", session=session)
    report = judge_shots(records, store, project_id, 1, tmp_path / "diffs", Tolerance(), data_seeded=seed.created > 0)

    status = {s.page: s.status for s in report.shots}
    assert status == {"index": "broken", "notes": "new", "tasks": "broken", "hidden": "new", "missing": "broken"}
    assert report.broken_pages == 3 and report.failed == 3 and report.new == 2
    assert "Could not load the dashboard." in report.broken["index"]
    assert "empty state although sample data was seeded" in report.broken["tasks"]
    assert "HTTP 404" in report.broken["missing"]
    assert {h["page"] for h in store.history(project_id)} == {"notes", "hidden"}

    # Run it again: the broken pages still have no baseline to be compared with, and still fail.
    again = judge_shots(records, store, project_id, 2, tmp_path / "diffs2", Tolerance(), data_seeded=True)
    assert {s.page: s.status for s in again.shots}["index"] == "broken"
    assert store.current(project_id, "index", "desktop") is None


def test_an_empty_page_is_fine_when_nothing_was_seeded(session: BrowserSession, project: Path, tmp_path: Path,
                                                       engine, settings) -> None:
    store = PostgresBaselineStore(engine, settings.home / "baselines")
    with served_project(project) as app:
        records = capture([PageSpec(name="tasks", url=f"{app.url}/pages/tasks.html")], DESKTOP, tmp_path / "s",
                          session=session)
    report = judge_shots(records, store, f"empty-{uuid.uuid4().hex[:8]}", 1, tmp_path / "d", Tolerance(),
                         data_seeded=False)
    assert [s.status for s in report.shots] == ["new"] and report.broken_pages == 0
    assert records[0].state.empty == 1 and records[0].http_status == 200
