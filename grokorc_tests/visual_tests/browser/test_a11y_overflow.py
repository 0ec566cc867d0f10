"""axe-core audits and horizontal overflow."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python

from grokorc_assets.visual import browser
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import BrowserSettings, Viewport


def test_clean_page_has_no_violations(session: BrowserSession, site: dict[str, str]) -> None:
    report = session.audit_a11y(site["clean"])
    assert report.counts.critical == 0 and report.counts.serious == 0
    assert report.violations == [], [v.id for v in report.violations]
    assert report.axe_version.startswith("4.")


def test_planted_violations_are_found_with_their_impacts(session: BrowserSession,
                                                         site: dict[str, str]) -> None:
    report = session.audit_a11y(site["planted"])
    assert {"image-alt", "label"} <= report.rule_ids("critical")
    assert "color-contrast" in report.rule_ids("serious")
    assert report.counts.critical >= 2 and report.counts.serious >= 1
    by_id = {v.id: v for v in report.violations}
    assert by_id["image-alt"].targets == ["#noalt"]
    assert by_id["label"].targets == ["#nolabel"]
    assert "#faint" in by_id["color-contrast"].targets
    assert by_id["image-alt"].help and by_id["image-alt"].help_url.startswith("https://")


def test_audit_defaults_to_the_page_last_shot(session: BrowserSession, settings: BrowserSettings,
                                              site: dict[str, str]) -> None:
    session.shoot(site["planted"], settings.viewports[-1])
    assert "image-alt" in session.audit_a11y().rule_ids()


def test_axe_comes_from_the_installed_package_not_our_repo() -> None:
    repo = Path(browser.__file__).resolve().parents[2]
    assert not list(repo.glob("grokorc_assets/**/axe*.js"))
    assert (Path(axe_playwright_python.__file__).parent / "axe.min.js").is_file()


def test_wide_element_overflows_on_mobile_with_its_culprit(session: BrowserSession,
                                                           settings: BrowserSettings,
                                                           site: dict[str, str]) -> None:
    mobile = settings.viewports[0]
    session.shoot(site["wide"], mobile)
    report = session.overflow(mobile)
    assert report.overflowing
    assert (report.client_width, report.scroll_width) == (375, 2000)
    # Only the outermost culprit: its <span> child sticks out too but is not listed.
    assert [o.selector for o in report.offenders] == ["div#wide"]
    assert report.offenders[0].right == 2000


def test_page_that_fits_does_not_overflow(session: BrowserSession, settings: BrowserSettings,
                                          site: dict[str, str]) -> None:
    for name in ("clean", "scroller"):
        session.shoot(site[name], settings.viewports[0])
        report = session.overflow(settings.viewports[0])
        assert not report.overflowing, name
        assert report.offenders == [], name


def test_overflow_follows_the_viewport(session: BrowserSession, settings: BrowserSettings,
                                       site: dict[str, str]) -> None:
    wider = Viewport(name="huge", width=2400, height=900)
    session.shoot(site["wide"], settings.viewports[0])
    assert session.overflow(settings.viewports[0]).overflowing
    report = session.overflow(wider)
    assert not report.overflowing and report.client_width == 2400


def test_offenders_are_capped(session: BrowserSession, settings: BrowserSettings, tmp_path: Path) -> None:
    boxes = "".join(f'<div id="b{i}" style="width:900px;height:4px"></div>' for i in range(8))
    page = tmp_path / "many.html"
    page.write_text(f'<!doctype html><html lang="en"><body style="margin:0">{boxes}</body></html>')
    session.shoot(page.as_uri(), settings.viewports[0])
    report = session.overflow()
    assert report.overflowing
    assert [o.selector for o in report.offenders] == [f"div#b{i}" for i in range(5)]
