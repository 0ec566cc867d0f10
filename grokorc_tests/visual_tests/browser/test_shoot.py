"""Screenshots: sizes per viewport, masks, stabilisation, animations, console and page errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import BrowserSettings
from grokorc_assets.visual.png import decode_png

MASK_RGBA = (255, 0, 255, 255)  # the data file's mask_color, #FF00FF


def _mask_pixels(rgba: np.ndarray) -> int:
    return int(np.all(rgba == np.array(MASK_RGBA, dtype=np.uint8), axis=-1).sum())


def test_three_viewports_give_their_exact_pixel_sizes(session: BrowserSession, settings: BrowserSettings,
                                                      site: dict[str, str]) -> None:
    sizes = {}
    for viewport in settings.viewports:
        shot = session.shoot(site["clean"], viewport)
        decoded = decode_png(shot.png)
        assert decoded.shape == shot.rgba.shape == (viewport.height, viewport.width, 4)
        assert shot.rgba.dtype == np.uint8
        sizes[viewport.name] = (shot.width, shot.height)
    assert sizes == {"mobile": (375, 667), "tablet": (768, 1024), "desktop": (1440, 900)}


def test_full_page_shot_is_taller_than_the_viewport(session: BrowserSession, settings: BrowserSettings,
                                                    site: dict[str, str]) -> None:
    mobile = settings.viewports[0]
    assert session.shoot(site["tall"], mobile).height == mobile.height
    full = session.shoot(site["tall"], mobile, full_page=True)
    assert full.width == mobile.width and full.height > 3000


def test_a_page_seen_still_is_shot_once(session: BrowserSession, settings: BrowserSettings,
                                       site: dict[str, str]) -> None:
    shot = session.shoot(site["clean"], settings.viewports[0])
    assert (shot.stable, shot.shots_taken, shot.attempts) == (True, 1, 1)
    assert shot.network_idle

    def twice():  # a second Playwright needs a thread of its own
        with BrowserSession(settings.with_overrides(one_shot_when_quiet=False)) as proving:
            return proving.shoot(site["clean"], settings.viewports[0])

    with ThreadPoolExecutor(1) as pool:
        proven = pool.submit(twice).result()
    assert (proven.stable, proven.shots_taken) == (True, 2)
    assert proven.png == shot.png  # the second shot only proved what the first showed


def test_a_page_that_draws_on_a_canvas_is_shot_until_two_shots_agree(
        session: BrowserSession, settings: BrowserSettings, tmp_path) -> None:
    # Nothing in its DOM changes, yet it is not still: a canvas may be redrawn every frame.
    page = tmp_path / "canvas.html"
    page.write_text("""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canvas</title></head>
<body><canvas id="c" width="100" height="40"></canvas><script>
const c = document.getElementById('c').getContext('2d');
function draw() { c.fillStyle = performance.now() % 2 < 1 ? '#000' : '#fff'; c.fillRect(0, 0, 100, 40);
  c.fillStyle = '#c00'; c.fillText(performance.now().toFixed(3), 5, 20); requestAnimationFrame(draw); }
draw();</script></body></html>""")
    shot = session.shoot(page.as_uri(), settings.viewports[0])
    assert shot.shots_taken == settings.max_stability_shots and not shot.stable


def test_random_region_differs_between_loads_unless_masked(session: BrowserSession,
                                                           settings: BrowserSettings,
                                                           site: dict[str, str]) -> None:
    desktop = settings.viewports[-1]
    first = session.shoot(site["random"], desktop)
    second = session.shoot(site["random"], desktop)
    assert first.png != second.png
    assert _mask_pixels(first.rgba) == 0

    masked = [session.shoot(site["random"], desktop, masks=["#rand"]) for _ in range(2)]
    assert masked[0].png == masked[1].png
    # The mask covers the 300x40 box of #rand, painted in the fixed mask colour.
    assert _mask_pixels(masked[0].rgba) >= 300 * 40


def test_ticking_clock_is_unstable_until_masked(session: BrowserSession, settings: BrowserSettings,
                                                site: dict[str, str]) -> None:
    mobile = settings.viewports[0]
    unmasked = session.shoot(site["clock"], mobile)
    assert (unmasked.stable, unmasked.shots_taken) == (False, 3)

    masked = session.shoot(site["clock"], mobile, masks=["#clock"])
    assert (masked.stable, masked.shots_taken) == (True, 2)


def test_css_animation_is_frozen_at_its_start(session: BrowserSession, settings: BrowserSettings,
                                              site: dict[str, str]) -> None:
    mobile = settings.viewports[0]
    running = session.shoot(site["animated"], mobile, animations="allow")
    assert (running.stable, running.shots_taken) == (False, 3)

    frozen = session.shoot(site["animated"], mobile)
    assert (frozen.stable, frozen.shots_taken) == (True, 2)
    # Infinite animations are cancelled, so the box sits at translateX(0): red at x<50, white after.
    assert tuple(frozen.rgba[25, 25]) == (204, 0, 0, 255)
    assert tuple(frozen.rgba[25, 75]) == (255, 255, 255, 255)


def test_console_and_page_errors_are_reported_per_shot(session: BrowserSession, settings: BrowserSettings,
                                                       site: dict[str, str]) -> None:
    noisy = session.shoot(site["noisy"], settings.viewports[0])
    assert any("boom from console" in line for line in noisy.console_errors)
    assert any("kaput from script" in line for line in noisy.page_errors)

    clean = session.shoot(site["clean"], settings.viewports[0])
    assert clean.console_errors == [] and clean.page_errors == []


def test_one_browser_and_one_page_serve_every_shot(session: BrowserSession, settings: BrowserSettings,
                                                   site: dict[str, str]) -> None:
    pid = session.browser_pid
    page = session._page
    for viewport in settings.viewports:
        session.shoot(site["clean"], viewport)
    assert session.browser_pid == pid is not None
    assert session._page is page
    assert session.launches == 1


def test_a_first_shot_equal_to_the_baseline_is_not_retaken(session: BrowserSession, settings: BrowserSettings,
                                                           site: dict[str, str]) -> None:
    """Playwright's screenshot assertion: a page that renders its expected image has settled."""
    viewport = settings.viewports[0]
    baseline = session.shoot(site["clean"], viewport).png
    again = session.shoot(site["clean"], viewport, expected=baseline)
    assert again.shots_taken == 1 and again.stable and again.png == baseline
    # A baseline the page no longer matches: shot again until two consecutive shots agree.
    other = session.shoot(site["clean"], settings.viewports[1]).png
    changed = session.shoot(site["clean"], viewport, expected=other)
    assert changed.shots_taken >= 2 and changed.stable and changed.png == baseline


def test_a_still_page_is_shot_fast_with_the_same_pixels(session: BrowserSession, settings: BrowserSettings,
                                                        site: dict[str, str]) -> None:
    # The DevTools capture encodes faster; what it shows must be what Playwright's screenshot shows.
    desktop = settings.viewports[-1]
    before = session.fast_captures
    fast = session.shoot(site["clean"], desktop)
    assert session.fast_captures == before + 1

    def through_playwright():  # a second Playwright needs a thread of its own
        with BrowserSession(settings.with_overrides(fast_capture=False)) as plain_session:
            return plain_session.shoot(site["clean"], desktop), plain_session.fast_captures

    with ThreadPoolExecutor(1) as pool:
        plain, plain_fast_captures = pool.submit(through_playwright).result()
    assert plain_fast_captures == 0
    assert fast.png != plain.png  # two encoders...
    assert np.array_equal(fast.rgba, plain.rgba)  # ...of the same pixels


def test_animated_focused_or_masked_pages_go_through_playwright(session: BrowserSession,
                                                                settings: BrowserSettings,
                                                                site: dict[str, str]) -> None:
    # Playwright freezes animations, hides the caret and paints masks; a plain capture would do none.
    mobile = settings.viewports[0]
    before = session.fast_captures
    session.shoot(site["animated"], mobile)
    session.shoot(site["random"], mobile, masks=["#rand"])
    session.interact(site["clean"], "focus the search box", lambda page: page.focus("#q"))
    session.shoot(site["clean"], mobile, reload=False)
    assert session.fast_captures == before
