"""Vectorised port of mapbox/pixelmatch v7.2.0 (the last YIQ release), on H x W x 4 uint8 arrays.

Semantics follow the JS source of v7.2.0 bit for bit: the YIQ colour delta (float64, same operation
order as JS), blending of semi-transparent pixels over the v7 "checkerboard" background, the
anti-aliasing detector (``antialiased`` + ``hasManySiblings``), ``diffColorAlt`` and ``diffMask``, and
the faded grey output for unchanged pixels (stored with JS ``Uint8Array`` truncation).

Speed comes from doing work only where it can matter: identical pixels are found with one uint32
comparison; changed opaque pixels whose channels moved by less than the threshold allows are dropped
with a cheap integer bound before any floating point; the anti-aliasing detector only runs on the
(usually few) pixels that exceed the threshold, and for opaque pixels it ranks neighbours by an exact
integer luma, so one min/max reduction replaces the float deltas and the per-neighbour search.

Original JS: Copyright (c) 2025, Mapbox, ISC licence.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

__all__ = ["pixelmatch"]

# YIQ coefficients of pixelmatch v7.2.0 (Kotsarenko & Ramos).
_Y = (0.29889531, 0.58662247, 0.11448223)
_I = (0.59597799, -0.27417610, -0.32180189)
_Q = (0.21147017, -0.52261711, 0.31114694)
_WEIGHTS = (0.5053, 0.299, 0.1957)
# 8e8 x _Y: exact integers (see _luma_extremes_opaque).
_Y_INT8 = (8 * 29889531, 8 * 58662247, 8 * 11448223)

# The 8 neighbours in the JS loop order (x outer, y inner): argmin/argmax ties must resolve to the
# first neighbour in this order, as the JS strict `<` / `>` updates do.
_NEIGHBOURS = np.array([(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)])

_OPAQUE_BOTH = np.uint32(0xFF000000)  # alpha is the high byte of a little-endian RGBA uint32


def _yiq_delta_on_unit_cube() -> float:
    """Largest YIQ delta per unit of channel difference: the quadratic form peaks at a cube vertex."""
    best = 0.0
    for signs in itertools.product((-1.0, 1.0), repeat=3):
        y, i, q = (sum(c * s for c, s in zip(row, signs, strict=True)) for row in (_Y, _I, _Q))
        best = max(best, _WEIGHTS[0] * y * y + _WEIGHTS[1] * i * i + _WEIGHTS[2] * q * q)
    return best


_UNIT_DELTA = _yiq_delta_on_unit_cube()


def _safe_channel_step(max_delta: float) -> int:
    """Largest per-channel difference m such that no opaque pixel pair within m can exceed max_delta.

    A 1e-6 relative margin covers float rounding of the exact computation near the bound.
    """
    if max_delta <= 0:
        return -1
    m = int(math.floor(math.sqrt(max_delta / _UNIT_DELTA)))
    while m >= 0 and m * m * _UNIT_DELTA * (1 + 1e-6) > max_delta:
        m -= 1
    return min(m, 254)


def _bytes(px32: np.ndarray) -> np.ndarray:
    """RGBA byte view (shape + (4,)) of contiguous uint32 pixels.

    Pixels are gathered as whole uint32 values: ~15x faster than fancy-indexing (N, 4) byte rows.
    """
    return px32.view(np.uint8).reshape(px32.shape + (4,))


def _as_rgba(img: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(img)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 4:
        raise ValueError(f"{name} must be an H x W x 4 uint8 array, got shape {arr.shape} dtype {arr.dtype}")
    return np.ascontiguousarray(arr)


def _checkerboard(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """v7 background for blending, indexed (as in JS) by the pixel's *byte* offset pos = 4 * i.

    Because pos is always even the red background is always 48; kept for fidelity.
    """
    pos_f = pos.astype(np.float64)
    rb = 48 + 159 * (pos % 2)
    gb = 48 + 159 * (np.floor(pos_f / 1.618033988749895).astype(np.int64) % 2)
    bb = 48 + 159 * (np.floor(pos_f / 2.618033988749895).astype(np.int64) % 2)
    return rb, gb, bb


def _all_opaque(px32: np.ndarray) -> bool:
    return px32.size == 0 or bool(px32.min() >= _OPAQUE_BOTH)


def _channel_deltas(p1: np.ndarray, p2: np.ndarray, idx: np.ndarray, checkerboard: bool):
    """Per-channel deltas of uint32 RGBA pixels (broadcastable), as JS colorDelta has them.

    idx holds the flat indices of the p1 pixels, used only to blend semi-transparent ones.

    For two opaque pixels the blended formula (r1*255 - r2*255 - bg*0) / 255 is exactly r1 - r2 in
    IEEE arithmetic, so the cheap plain difference is bit-identical to the JS branch it replaces.
    """
    c1 = _bytes(p1)
    c2 = _bytes(p2)
    if _all_opaque(p1) and _all_opaque(p2):
        # Exact small integers (int16 is the cheapest widening); products with the float
        # coefficients promote to float64 exactly as JS numbers.
        c1 = c1.astype(np.int16)
        c2 = c2.astype(np.int16)
        return [c1[..., ch] - c2[..., ch] for ch in range(3)]
    c1 = c1.astype(np.int32)
    c2 = c2.astype(np.int32)
    a1 = c1[..., 3]
    a2 = c2[..., 3]
    da = a1 - a2
    backgrounds = _checkerboard(4 * idx) if checkerboard else (255, 255, 255)
    return [(c1[..., ch] * a1 - c2[..., ch] * a2 - bg * da) / 255.0 for ch, bg in enumerate(backgrounds)]


def _brightness(dr, dg, db):
    return dr * _Y[0] + dg * _Y[1] + db * _Y[2]


def _color_delta(c1: np.ndarray, c2: np.ndarray, idx: np.ndarray, checkerboard: bool) -> np.ndarray:
    """Signed YIQ delta of v7.2.0 colorDelta: negative when img2's pixel is darker (y > 0)."""
    dr, dg, db = _channel_deltas(c1, c2, idx, checkerboard)
    y = _brightness(dr, dg, db)
    i = dr * _I[0] + dg * _I[1] + db * _I[2]
    q = dr * _Q[0] + dg * _Q[1] + db * _Q[2]
    delta = _WEIGHTS[0] * y * y + _WEIGHTS[1] * i * i + _WEIGHTS[2] * q * q
    return np.where(y > 0, -delta, delta)


def _offsets(width: int) -> np.ndarray:
    """Flat index offsets of the 8 neighbours, in _NEIGHBOURS order."""
    return _NEIGHBOURS[:, 1] * width + _NEIGHBOURS[:, 0]


def _neighbourhood(idx: np.ndarray, width: int, height: int):
    """Flat indices (8, n) of the neighbours of idx, their validity and the JS border bonus.

    Neighbour-major layout keeps every per-neighbour operation contiguous. Interior pixels need
    only an offset add; clipping and validity are worked out for edge pixels alone (`valid` is None
    when there are none). JS adds exactly one "zero" for a pixel on any edge, however many
    neighbours are missing: that is `border`.
    """
    nidx = _offsets(width)[:, None] + idx
    y, x = np.divmod(idx, width)
    edge = (x == 0) | (x == width - 1) | (y == 0) | (y == height - 1)
    cols = np.flatnonzero(edge)
    if cols.size == 0:
        return nidx, None, 0
    nx = x[cols] + _NEIGHBOURS[:, :1]
    ny = y[cols] + _NEIGHBOURS[:, 1:]
    valid = np.ones(nidx.shape, dtype=bool)
    valid[:, cols] = (nx >= 0) & (nx < width) & (ny >= 0) & (ny < height)
    nidx[:, cols] = np.clip(ny, 0, height - 1) * width + np.clip(nx, 0, width - 1)
    return nidx, valid, edge.astype(np.int8)


def _has_many_siblings(images, idx: np.ndarray, width: int, height: int) -> np.ndarray:
    """hasManySiblings in every image of `images` (uint32 flat), sharing one neighbourhood."""
    nidx, valid, border = _neighbourhood(idx, width, height)
    result = np.ones(idx.size, dtype=bool)
    for img32 in images:
        same = np.take(img32, nidx) == np.take(img32, idx)
        if valid is not None:
            same &= valid
        result &= border + same.sum(axis=0, dtype=np.int8) > 2
    return result


def _first_extreme(values: np.ndarray, better) -> tuple[np.ndarray, np.ndarray]:
    """Per column of (8, n) values: the extreme value and the first row holding it.

    Mirrors the JS loop's strict `<` / `>` updates (ties keep the earlier neighbour). A loop over
    the 8 contiguous rows is much faster than numpy's argmin along a short axis.
    """
    best = values[0].copy()
    at = np.zeros(values.shape[1], dtype=np.intp)
    for k in range(1, values.shape[0]):
        row = values[k]
        wins = better(row, best)
        np.copyto(best, row, where=wins)
        np.copyto(at, k, where=wins)
    return best, at


def _luma_extremes_float(centre, around, idx, valid, checkerboard):
    """(zero count, has darker, has brighter, darkest row, brightest row) from float JS deltas."""
    lows = _brightness(*_channel_deltas(centre, around, idx, checkerboard))
    highs = lows
    if valid is not None:
        # Missing neighbours must be neither zero, the darkest nor the brightest.
        highs = lows.copy()
        lows[~valid] = np.inf
        highs[~valid] = -np.inf
    zeros = (lows == 0).sum(axis=0, dtype=np.int8)
    # The first minimum is the JS "darkest" neighbour whenever it is negative (likewise brightest).
    low, min_at = _first_extreme(lows, np.less)
    high, max_at = _first_extreme(highs, np.greater)
    return zeros, low < 0, high > 0, min_at, max_at


def _luma_int8(px32: np.ndarray) -> np.ndarray:
    """8e8 x the luma of opaque uint32 pixels, exactly, as int64 (the coefficients have 8 decimals)."""
    c = _bytes(px32)
    # dtype= widens inside the multiply: one pass per channel instead of a cast and a multiply.
    luma = np.multiply(c[..., 0], _Y_INT8[0], dtype=np.int64)
    term = np.multiply(c[..., 1], _Y_INT8[1], dtype=np.int64)
    luma += term
    luma += np.multiply(c[..., 2], _Y_INT8[2], dtype=np.int64, out=term)
    return luma


def _luma_extremes_opaque(centre, around, valid):
    """_luma_extremes_float for opaque pixels, from exact integer lumas: same results, ~2.5x faster.

    The JS delta y = luma(centre) - luma(neighbour) is float64; the exact integer 1e8 * y has the
    same order, zeros and signs, because distinct integers differ by 1e-8, far more than float64
    rounding of values below 256, and no two colours share an integer luma (both checked in the
    tests). Scaled by 8, the low 3 bits are free to carry the neighbour's row, so a single max or
    min reduction finds the first extreme, as the JS strict comparisons do.
    """
    rows = np.arange(8, dtype=np.int64)[:, None]
    # The most negative delta (JS "darkest", `min`) is the brightest neighbour, and vice versa.
    keys = _luma_int8(around)
    centre_key = _luma_int8(centre)
    zeros = keys == centre_key
    if valid is not None:
        zeros &= valid
    keys -= rows  # max: largest luma, then smallest row
    if valid is not None:
        keys[~valid] = -8
    dark = keys.max(axis=0)
    keys += 2 * rows  # min: smallest luma, then smallest row
    if valid is not None:
        keys[~valid] = np.iinfo(np.int64).max
    bright = keys.min(axis=0)
    # A row shifts a key by less than 8, the smallest gap between distinct lumas: no test flips.
    has_dark = dark > centre_key
    has_bright = bright < centre_key
    return zeros.sum(axis=0, dtype=np.int8), has_dark, has_bright, -dark & 7, bright & 7


def _antialiased(img32, other32, idx, hood, width, height, checkerboard) -> np.ndarray:
    """Vectorised v7.2.0 `antialiased` for the flat pixel indices idx of img32 (H*W uint32).

    `hood` is `_neighbourhood(idx, ...)`, computed once by the caller for both images.
    """
    nidx, valid, border = hood
    result = np.zeros(idx.size, dtype=bool)
    centre = np.take(img32, idx)
    around = np.take(img32, nidx)
    if _all_opaque(centre) and _all_opaque(around):
        zeros, has_low, has_high, min_at, max_at = _luma_extremes_opaque(centre, around, valid)
    else:
        zeros, has_low, has_high, min_at, max_at = _luma_extremes_float(
            centre, around, idx, valid, checkerboard)
    # Counting every zero gives the same answer as the JS early `return false` on the third one.
    keep = border + zeros <= 2
    keep &= has_low & has_high
    sel = np.flatnonzero(keep)
    if sel.size == 0:
        return result
    # The extremes are real neighbours, never clipped ones: an offset add finds them, which is
    # cheaper than a 2-D gather from nidx.
    offsets, centres = _offsets(width), idx[sel]
    extremes = np.concatenate([centres + offsets[min_at[sel]], centres + offsets[max_at[sel]]])
    many = _has_many_siblings((img32, other32), extremes, width, height)
    result[sel] = many[: sel.size] | many[sel.size :]
    return result


def _subset(hood, cols: np.ndarray):
    nidx, valid, border = hood
    # np.take along axis 1 is about twice as fast as the fancy index nidx[:, cols].
    valid = None if valid is None else np.take(valid, cols, axis=1)
    return np.take(nidx, cols, axis=1), valid, border if np.isscalar(border) else border[cols]


def _antialiased_either(a32, b32, idx, width, height, checkerboard) -> np.ndarray:
    """Pixels of idx that look anti-aliased in img1, or else in img2 (JS `||` order)."""
    hood = _neighbourhood(idx, width, height)
    aa = _antialiased(a32, b32, idx, hood, width, height, checkerboard)
    rest = np.flatnonzero(~aa)
    aa[rest] = _antialiased(b32, a32, idx[rest], _subset(hood, rest), width, height, checkerboard)
    return aa


def _to_uint8_like_js(values: np.ndarray) -> np.ndarray:
    """JS Uint8Array store: truncate toward zero, then wrap modulo 256 (NaN/inf -> 0)."""
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    return (np.trunc(values).astype(np.int64) & 0xFF).astype(np.uint8)


def _draw_gray(img1: np.ndarray, alpha: float, output: np.ndarray) -> None:
    """drawGrayPixel for every pixel: img1's luminance blended with white, faded by alpha."""
    px = img1.reshape(-1, 4)
    lum = px[:, 0] * _Y[0] + px[:, 1] * _Y[1] + px[:, 2] * _Y[2]
    val = 255 + (lum - 255) * alpha * px[:, 3] / 255
    gray = _to_uint8_like_js(val)
    out = output.reshape(-1, 4)
    out[:, 0] = gray
    out[:, 1] = gray
    out[:, 2] = gray
    out[:, 3] = 255


def _draw(output: np.ndarray, idx: np.ndarray, color) -> None:
    if idx.size:
        rgb = _to_uint8_like_js(np.asarray(color, dtype=np.float64)[:3])
        out = output.reshape(-1, 4)
        out[idx, :3] = rgb
        out[idx, 3] = 255


def _check_sizes(img1: np.ndarray, img2: np.ndarray, output) -> None:
    if img1.shape != img2.shape:
        raise ValueError(
            f"Image sizes do not match: img1 is {img1.shape[1]}x{img1.shape[0]}, "
            f"img2 is {img2.shape[1]}x{img2.shape[0]} (width x height)"
        )
    if output is not None:
        if not isinstance(output, np.ndarray) or output.dtype != np.uint8 or output.shape != img1.shape:
            raise ValueError(f"output must be a uint8 array of shape {img1.shape} (filled in place)")
        if not output.flags.c_contiguous:
            raise ValueError("output must be C-contiguous (it is filled in place)")


def _small_opaque_change(p1, p2, a32, b32, step: int) -> np.ndarray:
    """Per pixel: both opaque and every channel moved by at most `step` (so the delta is below max)."""
    # |p1 - p2| per byte, staying in uint8 (max - min never wraps).
    small = np.maximum(p1, p2)
    small -= np.minimum(p1, p2)
    small_all = (small <= step).view(np.uint32).ravel() == 0x01010101
    small_all &= (a32 & b32) >= _OPAQUE_BOTH
    return small_all


def _pixels_to_check(img1, img2, a32, b32, max_delta: float):
    """(flat indices of changed pixels that could exceed max_delta, their img1 and img2 pixels).

    Changed opaque pixels whose channels all moved by at most the safe step can never exceed the
    threshold, so they are dropped with integer work only. When many pixels changed (noise,
    re-encoding) the bound runs over the whole image, which beats gathering most of it first.
    """
    neq = a32 != b32
    n_changed = int(np.count_nonzero(neq))
    if n_changed == 0:
        return np.empty(0, dtype=np.intp), a32[:0], b32[:0]
    step = _safe_channel_step(max_delta)
    whole_image = step >= 0 and n_changed * 8 > neq.size
    if whole_image:
        neq &= ~_small_opaque_change(img1, img2, a32, b32, step)
    changed = np.flatnonzero(neq)
    p1 = np.take(a32, changed)
    p2 = np.take(b32, changed)
    if whole_image or step < 0:
        return changed, p1, p2
    # Compressing the gathered pixels is cheaper than gathering the survivors again.
    large = ~_small_opaque_change(_bytes(p1), _bytes(p2), p1, p2, step)
    return changed[large], p1[large], p2[large]


def pixelmatch(
    img1: np.ndarray,
    img2: np.ndarray,
    output: np.ndarray | None = None,
    *,
    threshold: float = 0.1,
    include_aa: bool = False,
    alpha: float = 0.1,
    aa_color=(255, 255, 0),
    diff_color=(255, 0, 0),
    diff_color_alt=None,
    diff_mask: bool = False,
    checkerboard: bool = True,
) -> int:
    """Count pixels that differ between two RGBA images, as mapbox/pixelmatch v7.2.0 does.

    `output` (H x W x 4 uint8) is filled in place with the diff image when given: with diff_mask,
    only the differing pixels are drawn and the rest is left as it was.
    """
    img1 = _as_rgba(img1, "img1")
    img2 = _as_rgba(img2, "img2")
    _check_sizes(img1, img2, output)
    height, width = img1.shape[:2]
    # One little-endian uint32 per pixel: R is the low byte, alpha the high byte.
    a32 = img1.view("<u4").ravel()
    b32 = img2.view("<u4").ravel()
    # 35215 is the maximum possible value of the YIQ difference metric.
    max_delta = 35215 * threshold * threshold
    changed, p1, p2 = _pixels_to_check(img1, img2, a32, b32, max_delta)
    aa = diff = darker = np.empty(0, dtype=np.intp)
    if changed.size:
        delta = _color_delta(p1, p2, changed, checkerboard)
        over = np.abs(delta) > max_delta
        diff, darker = changed[over], delta[over] < 0
        if diff.size and not include_aa:
            is_aa = _antialiased_either(a32, b32, diff, width, height, checkerboard)
            aa, diff, darker = diff[is_aa], diff[~is_aa], darker[~is_aa]
    # Drawn only after all reads, so an output aliasing img1 or img2 cannot skew the comparison.
    if output is not None:
        if not diff_mask:
            _draw_gray(img1, alpha, output)
            _draw(output, aa, aa_color)
        _draw(output, diff[~darker], diff_color)
        _draw(output, diff[darker], diff_color if diff_color_alt is None else diff_color_alt)
    return int(diff.size)
