"""Browser acceptance probes: one scripted check per ``verify: browser`` criterion of the plan.

Each probe drives the served app the way a person would (keys, clicks, typing) through a DOM contract
the generated UI follows (see ``PROBE_CONTRACT``), and says whether the promised behaviour happened.
Every wait is bounded polling; a probe never raises for a missing or misbehaving page, it fails with
a detail saying what it looked for. Plain Python: no Dagster here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

import numpy as np
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.visual.browser import BrowserSession, VisualBrowserError
from grokorc_assets.visual.png import decode_png

PROBE_CONTRACT = {
    "game": 'canvas#game[data-feature="game"] that keys visibly change; [data-role="score"] with a number',
    "contact_form": 'form[data-feature="contact_form"] with name, email, message; [data-state="success"] after',
    "dark_mode": '[data-action="toggle-theme"] flips document.documentElement.dataset.theme light <-> dark',
}
GAME_KEYS = ("ArrowRight", "ArrowDown", "Space")
CONTACT_SAMPLE = {"name": "Probe Person", "email": "probe@example.com", "message": "Hello from the acceptance probe."}


class BrowserCriterion(BaseModel):
    """A plan acceptance criterion (``plan["acceptance"]`` item) as the probes read it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    text: str
    feature: str
    entity: str | None = None
    verify: str


class ProbeOutcome(BaseModel):
    id: str
    passed: bool
    detail: str
    feature: str = ""


class ProbeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    appear_timeout_s: float = Field(5.0, gt=0, description="for the element under test to be visible")
    reaction_timeout_s: float = Field(3.0, gt=0, description="for the page to react to the input")
    key_hold_ms: float = Field(160, ge=0, description="each key is held this long (3 keys ~ 0.5 s)")


Probe = Callable[[Page, BrowserCriterion, ProbeSettings], tuple[bool, str]]


class _Failed(Exception):
    """A probe's expectation was not met: the message becomes the outcome's detail."""


def browser_criteria(acceptance: Iterable[dict]) -> list[BrowserCriterion]:
    return [c for c in (BrowserCriterion.model_validate(item) for item in acceptance) if c.verify == "browser"]


def all_failed(criteria: Iterable[BrowserCriterion], reason: str) -> list[ProbeOutcome]:
    """Outcomes when no probe can run (no UI, degraded visual tests, server down)."""
    return [ProbeOutcome(id=c.id, passed=False, detail=reason, feature=c.feature) for c in criteria]


def run_probes(session: BrowserSession, main_url: str, criteria: Iterable[BrowserCriterion],
               settings: ProbeSettings | None = None) -> list[ProbeOutcome]:
    """One probe per criterion against ``main_url`` (loaded fresh for each), in ``session``'s browser."""
    settings = settings or ProbeSettings()
    return [_run_one(session, main_url, c, settings) for c in criteria]


def _run_one(session: BrowserSession, url: str, criterion: BrowserCriterion,
             settings: ProbeSettings) -> ProbeOutcome:
    probe = probe_for(criterion)
    if probe is None:
        return ProbeOutcome(id=criterion.id, passed=False, feature=criterion.feature,
                            detail=f"no probe for feature {criterion.feature}")

    def action(page: Page) -> tuple[bool, str]:
        # Expectations and the page's own failures (a missing element, a timeout) end the probe here,
        # inside the action: escaping, a timeout would read as a hung browser and be retried.
        try:
            return probe(page, criterion, settings)
        except _Failed as failed:
            return False, str(failed)
        except PlaywrightError as error:
            return False, f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}"

    try:
        passed, detail = session.interact(url, f"probe {criterion.id} ({criterion.feature})", action)
    except VisualBrowserError as error:
        passed, detail = False, f"could not load {url}: {error}"
    return ProbeOutcome(id=criterion.id, passed=passed, detail=detail, feature=criterion.feature)


def probe_for(criterion: BrowserCriterion) -> Probe | None:
    if criterion.feature == "game":
        # The game feature promises two things; the criterion's words say which one this is.
        return probe_score if "score" in criterion.text.lower() else probe_game_canvas
    return {"contact_form": probe_contact_form, "dark_mode": probe_dark_mode}.get(criterion.feature)


def _visible(page: Page, selector: str, settings: ProbeSettings, what: str):
    locator = page.locator(selector).first
    try:
        locator.wait_for(state="visible", timeout=settings.appear_timeout_s * 1000)
    except PlaywrightError:
        raise _Failed(f"no visible {what} ({selector}) within {settings.appear_timeout_s:g} s") from None
    return locator


def probe_game_canvas(page: Page, criterion: BrowserCriterion, settings: ProbeSettings) -> tuple[bool, str]:
    canvas = _visible(page, 'canvas#game[data-feature="game"]', settings, "game canvas")
    canvas.focus()
    if not canvas.evaluate("(el) => document.activeElement === el"):
        canvas.click()  # a canvas without tabindex cannot take focus; a click is what a player does
    before = decode_png(canvas.screenshot())
    for key in GAME_KEYS:
        # Held, not tapped: games that read held keys in their frame loop see them.
        page.keyboard.press(key, delay=settings.key_hold_ms)
    deadline = time.monotonic() + settings.reaction_timeout_s
    while True:
        after = decode_png(canvas.screenshot())  # each shot takes a frame or more: this is the poll
        if after.shape != before.shape or not np.array_equal(after, before):
            changed = int(np.any(after != before, axis=-1).sum()) if after.shape == before.shape else -1
            return True, f"canvas changed after {', '.join(GAME_KEYS)} ({changed} pixels)"
        if time.monotonic() > deadline:
            return False, (f"canvas pixels identical {settings.reaction_timeout_s:g} s after pressing "
                           f"{', '.join(GAME_KEYS)}")


_DIGIT = re.compile(r"\d")


def probe_score(page: Page, criterion: BrowserCriterion, settings: ProbeSettings) -> tuple[bool, str]:
    score = _visible(page, '[data-role="score"]', settings, "score")
    text = score.inner_text().strip()
    if _DIGIT.search(text):
        return True, f"score shows {text[:80]!r}"
    return False, f"score element shows no number: {text[:80]!r}"


def probe_contact_form(page: Page, criterion: BrowserCriterion, settings: ProbeSettings) -> tuple[bool, str]:
    form = _visible(page, 'form[data-feature="contact_form"]', settings, "contact form")
    for name, value in CONTACT_SAMPLE.items():
        field = form.locator(f'[name="{name}"]')
        if field.count() == 0:
            raise _Failed(f"the contact form has no field named {name!r}")
        field.first.fill(value)
    submit = form.locator('[type="submit"]')
    if submit.count():
        submit.first.click()
    else:
        form.evaluate("(f) => f.requestSubmit()")
    success = page.locator('[data-state="success"]').first
    try:
        success.wait_for(state="visible", timeout=settings.reaction_timeout_s * 1000)
    except PlaywrightError:
        return False, f'no visible [data-state="success"] {settings.reaction_timeout_s:g} s after submitting'
    return True, f"sent; success message: {success.inner_text().strip()[:80]!r}"


_THEME_JS = "() => document.documentElement.dataset.theme || null"


def probe_dark_mode(page: Page, criterion: BrowserCriterion, settings: ProbeSettings) -> tuple[bool, str]:
    toggle = _visible(page, '[data-action="toggle-theme"]', settings, "theme toggle")
    before = page.evaluate(_THEME_JS)
    expected = "light" if before == "dark" else "dark"  # no theme set yet reads as the light default
    toggle.click()
    try:
        page.wait_for_function("(t) => document.documentElement.dataset.theme === t", arg=expected,
                               timeout=settings.reaction_timeout_s * 1000)
    except PlaywrightError:
        return False, f"theme stayed {page.evaluate(_THEME_JS)!r} after the toggle (expected {expected!r})"
    return True, f"theme {before or 'unset'} -> {expected}"
