"""JavaScript the browser session evaluates in the page: overflow offenders, data-state settling.

Plain strings for ``page.evaluate``; what they return is turned into models by ``browser.py``.
"""

from __future__ import annotations

__all__ = ["STILL_PAGE_JS", "HAS_STATES_JS", "LOADING_SHOWN_JS", "NEXT_PAINT_JS", "OVERFLOW_JS", "PAGE_STATE_JS"]

# Offenders are the outermost elements sticking out past the viewport's right edge; elements inside
# a horizontally clipping ancestor (overflow-x other than visible) cannot widen the document.
OVERFLOW_JS = """
(limit) => {
  const de = document.documentElement;
  const body = document.body;
  const vw = de.clientWidth;
  const scrollWidth = Math.max(de.scrollWidth, body ? body.scrollWidth : 0);
  const sticksOut = (el) => el.getBoundingClientRect().right + window.scrollX > vw + 0.5;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== body && a !== de; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => {
    if (el.id) return `${el.tagName.toLowerCase()}#${el.id}`;
    const cls = [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
    const siblings = el.parentElement
      ? [...el.parentElement.children].filter((s) => s.tagName === el.tagName) : [];
    const nth = siblings.length > 1 ? `:nth-of-type(${siblings.indexOf(el) + 1})` : '';
    return el.tagName.toLowerCase() + cls + nth;
  };
  const offenders = [];
  for (const el of body ? body.querySelectorAll('*') : []) {
    if (offenders.length >= limit) break;
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || !sticksOut(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== body && sticksOut(parent)) continue;
    if (clipped(el)) continue;
    offenders.push({selector: describe(el), right: r.right + window.scrollX, width: r.width});
  }
  return {scroll_width: scrollWidth, client_width: vw, offenders};
}
"""

HAS_STATES_JS = "() => document.querySelector('[data-state]') !== null"
LOADING_SHOWN_JS = """
() => [...document.querySelectorAll('[data-state="loading"]')].filter((el) => el.checkVisibility()).length
"""

# The generated UI marks its data regions with data-state="loading" | "empty" | "error" | "ready";
# only visible ones count (a hidden error template is not an error).
PAGE_STATE_JS = """
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  };
  const shown = (state) => [...document.querySelectorAll(`[data-state="${state}"]`)].filter(visible);
  return {
    errors: shown('error').map((el) => (el.innerText || '').trim().slice(0, 300)),
    empty: shown('empty').length,
    loading: shown('loading').length,
  };
}
"""

# Two animation frames: layout and paint have caught up with a new viewport size.
NEXT_PAINT_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# Whether a plain capture shows what Playwright's screenshot (animations frozen, caret hidden) would: no
# animation running and no focused text field; fonts loaded first, as Playwright waits for them.
# With ``watch``, also whether the page has stopped changing: nothing in the DOM changed over two frames
# and nothing draws outside the DOM (canvas, video, frames). Such a page needs no second shot to prove
# it still; a page that repaints (a clock, a game) is caught changing and is shot until two shots agree.
# With ``repaint`` (the viewport was just resized) the same two frames let layout and paint catch up,
# so a watched resize waits two frames, not four; what is plain is judged after them.
STILL_PAGE_JS = """async ({watch, repaint}) => {
  await document.fonts.ready;
  const observe = watch && !document.querySelector('canvas, video, iframe');
  let changed = false;
  const observer = observe ? new MutationObserver(() => { changed = true; }) : null;
  if (observer) observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  if (observe || repaint) await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  if (observer) observer.disconnect();
  const active = document.activeElement;
  const editing = !!active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  const plain = document.getAnimations().length === 0 && !editing;
  return {plain, quiet: observe && plain && !changed};
}"""
