"""Browser acceptance probes against small hand-written pages: each passes on a page with the behaviour
and fails (with a detail saying what it looked for) on one without it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from grokorc_assets.sandbox import bwrap_usable
from grokorc_assets.serve import served_project
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.probes import BrowserCriterion, ProbeSettings, browser_criteria, run_probes
from grokorc_tests.serve_tests.apps import write_project
from grokorc_tests.visual_tests.browser.conftest import write_page

FAST = ProbeSettings(appear_timeout_s=2, reaction_timeout_s=2)

HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>p</title></head><body><main>'

GAME = HEAD + """<p>Score: <span data-role="score">{score}</span></p>
<canvas id="game" data-feature="game" width="200" height="120" tabindex="0"></canvas></main><script>
const ctx = document.getElementById('game').getContext('2d');
let x = 10, y = 10;
function draw() { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, 200, 120);
  ctx.fillStyle = '#0f0'; ctx.fillRect(x, y, 12, 12); }
draw();
const responsive = {responsive};
document.addEventListener('keydown', (e) => {
  if (!responsive) return;
  if (e.key === 'ArrowRight') x += 10; if (e.key === 'ArrowDown') y += 10;
  draw();
});
</script></body></html>"""

THEME = HEAD + """<button type="button" data-action="toggle-theme">Theme</button></main><script>
const works = {works};
document.querySelector('[data-action="toggle-theme"]').addEventListener('click', () => {
  if (!works) return;
  const root = document.documentElement;
  root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
});
</script></body></html>"""

CONTACT = HEAD + """<form data-feature="contact_form">
<label>Name <input name="name"></label><label>Email <input name="email" type="email"></label>
<label>Message <textarea name="message"></textarea></label><button type="submit">Send</button></form>
<p data-state="success" hidden>Thanks, your message was sent.</p></main><script>
const form = document.querySelector('form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(new FormData(form));
  const response = await fetch('/api/{endpoint}', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                   body: JSON.stringify(body)});
  if (response.ok) document.querySelector('[data-state="success"]').hidden = false;
});
</script></body></html>"""


def criterion(feature: str, text: str = "it works", cid: str = "ac01") -> BrowserCriterion:
    return BrowserCriterion(id=cid, text=text, feature=feature, verify="browser")


def probe(session: BrowserSession, url: str, *criteria: BrowserCriterion):
    return run_probes(session, url, criteria, FAST)


def test_game_canvas_probe(session: BrowserSession, tmp_path: Path) -> None:
    playable = write_page(tmp_path, "playable", GAME.replace("{score}", "0").replace("{responsive}", "true"))
    frozen = write_page(tmp_path, "frozen", GAME.replace("{score}", "0").replace("{responsive}", "false"))
    moves = criterion("game", "The main page has a game canvas that the arrow keys and space visibly change")
    [passed] = probe(session, playable, moves)
    [failed] = probe(session, frozen, moves)
    assert passed.passed and "canvas changed" in passed.detail
    assert not failed.passed and "identical" in failed.detail


def test_score_probe(session: BrowserSession, tmp_path: Path) -> None:
    shown = write_page(tmp_path, "shown", GAME.replace("{score}", "120").replace("{responsive}", "true"))
    blank = write_page(tmp_path, "blank", GAME.replace("{score}", "--").replace("{responsive}", "true"))
    absent = write_page(tmp_path, "absent", HEAD + "<p>No score here</p></main></body></html>")
    score = criterion("game", "The game shows a score")
    assert probe(session, shown, score)[0].passed
    assert "no number" in probe(session, blank, score)[0].detail
    missing = probe(session, absent, score)[0]
    assert not missing.passed and 'no visible score ([data-role="score"])' in missing.detail


def test_dark_mode_probe(session: BrowserSession, tmp_path: Path) -> None:
    works = write_page(tmp_path, "works", THEME.replace("{works}", "true"))
    inert = write_page(tmp_path, "inert", THEME.replace("{works}", "false"))
    toggle = criterion("dark_mode")
    [passed] = probe(session, works, toggle)
    [failed] = probe(session, inert, toggle)
    assert passed.passed and passed.detail == "theme unset -> dark"
    assert not failed.passed and "expected 'dark'" in failed.detail


@pytest.mark.skipif(not bwrap_usable()[0], reason="bwrap sandbox not usable here")
def test_contact_form_probe_against_a_served_app(session: BrowserSession, tmp_path: Path) -> None:
    good = write_project(tmp_path / "good", index=CONTACT.replace("{endpoint}", "contact"))
    # Posts to a path the API refuses (no route for a nested path): the success message never shows.
    bad = write_project(tmp_path / "bad", index=CONTACT.replace("{endpoint}", "contact/nowhere"))
    form = criterion("contact_form")
    with served_project(good) as app:
        [passed] = probe(session, app.url + "/", form)
        stored = httpx.get(app.url + "/api/contact", timeout=10).json()
    with served_project(bad) as app:
        [failed] = probe(session, app.url + "/", form)
    assert passed.passed, passed.detail
    assert stored == [{"id": 1, "name": "Probe Person", "email": "probe@example.com",
                       "message": "Hello from the acceptance probe."}]
    assert not failed.passed and 'no visible [data-state="success"]' in failed.detail


def test_missing_form_fields_and_unknown_features_fail_with_a_reason(session: BrowserSession,
                                                                      tmp_path: Path) -> None:
    partial = write_page(tmp_path, "partial", HEAD + '<form data-feature="contact_form"><input name="name">'
                         "<button>Send</button></form></main></body></html>")
    [form, other] = probe(session, partial, criterion("contact_form", cid="ac01"),
                          criterion("leaderboard", cid="ac02"))
    assert not form.passed and "no field named 'email'" in form.detail
    assert (other.id, other.passed, other.detail) == ("ac02", False, "no probe for feature leaderboard")


def test_only_browser_criteria_are_probed() -> None:
    plan_acceptance = [
        {"id": "ac01", "text": "t", "feature": "crud", "entity": "book", "verify": "api"},
        {"id": "ac02", "text": "t", "feature": "dark_mode", "entity": None, "verify": "browser"},
    ]
    assert [c.id for c in browser_criteria(plan_acceptance)] == ["ac02"]
