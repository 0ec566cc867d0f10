"""A plain per-pixel Python transcription of pixelmatch v7.2.0, used only as a test oracle.

It follows the JS control flow literally (loops, early returns, strict comparisons), so agreement
with the vectorised implementation on random images checks the vectorisation, not just fixtures.
Slow: use it on small images only.
"""

Y = (0.29889531, 0.58662247, 0.11448223)


def _background(k, checkerboard):
    if not checkerboard:
        return 255, 255, 255
    green = int(k / 1.618033988749895) % 2
    blue = int(k / 2.618033988749895) % 2
    return 48 + 159 * (k % 2), 48 + 159 * green, 48 + 159 * blue


def _deltas(img1, img2, k, m, bg_pos, checkerboard):
    r1, g1, b1, a1 = img1[k : k + 4]
    r2, g2, b2, a2 = img2[m : m + 4]
    dr, dg, db, da = r1 - r2, g1 - g2, b1 - b2, a1 - a2
    if a1 < 255 or a2 < 255:
        rb, gb, bb = _background(bg_pos, checkerboard)
        dr = (r1 * a1 - r2 * a2 - rb * da) / 255
        dg = (g1 * a1 - g2 * a2 - gb * da) / 255
        db = (b1 * a1 - b2 * a2 - bb * da) / 255
    return dr, dg, db


def color_delta(img1, img2, k, checkerboard):
    dr, dg, db = _deltas(img1, img2, k, k, k, checkerboard)
    y = dr * Y[0] + dg * Y[1] + db * Y[2]
    i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189
    q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694
    delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
    return -delta if y > 0 else delta


def _brightness_delta(img, k, m, checkerboard):
    if img[k : k + 4] == img[m : m + 4]:
        return 0
    dr, dg, db = _deltas(img, img, k, m, k, checkerboard)
    return dr * Y[0] + dg * Y[1] + db * Y[2]


def _has_many_siblings(px, x1, y1, w, h):
    x0, y0, x2, y2 = max(x1 - 1, 0), max(y1 - 1, 0), min(x1 + 1, w - 1), min(y1 + 1, h - 1)
    zeroes = 1 if x1 in (x0, x2) or y1 in (y0, y2) else 0
    for x in range(x0, x2 + 1):
        for y in range(y0, y2 + 1):
            if (x, y) != (x1, y1):
                zeroes += px[y * w + x] == px[y1 * w + x1]
                if zeroes > 2:
                    return True
    return False


def _antialiased(img, x1, y1, w, h, pa, pb, checkerboard):
    x0, y0, x2, y2 = max(x1 - 1, 0), max(y1 - 1, 0), min(x1 + 1, w - 1), min(y1 + 1, h - 1)
    k = (y1 * w + x1) * 4
    zeroes = 1 if x1 in (x0, x2) or y1 in (y0, y2) else 0
    lo = hi = 0
    lo_xy = hi_xy = (0, 0)
    for x in range(x0, x2 + 1):
        for y in range(y0, y2 + 1):
            if (x, y) == (x1, y1):
                continue
            delta = _brightness_delta(img, k, (y * w + x) * 4, checkerboard)
            if delta == 0:
                zeroes += 1
                if zeroes > 2:
                    return False
            elif delta < lo:
                lo, lo_xy = delta, (x, y)
            elif delta > hi:
                hi, hi_xy = delta, (x, y)
    if lo == 0 or hi == 0:
        return False
    return (_has_many_siblings(pa, *lo_xy, w, h) and _has_many_siblings(pb, *lo_xy, w, h)) or (
        _has_many_siblings(pa, *hi_xy, w, h) and _has_many_siblings(pb, *hi_xy, w, h)
    )


def reference_pixelmatch(img1, img2, threshold=0.1, include_aa=False, checkerboard=True):
    """Mismatch count and per-pixel class ('same', 'aa', 'diff', 'alt') for H x W x 4 arrays."""
    h, w = img1.shape[:2]
    a = [int(v) for v in img1.ravel()]
    b = [int(v) for v in img2.ravel()]
    pa = [tuple(a[i : i + 4]) for i in range(0, len(a), 4)]
    pb = [tuple(b[i : i + 4]) for i in range(0, len(b), 4)]
    max_delta = 35215 * threshold * threshold
    count, classes = 0, []
    for i in range(w * h):
        delta = 0 if pa[i] == pb[i] else color_delta(a, b, 4 * i, checkerboard)
        if abs(delta) <= max_delta:
            classes.append("same")
            continue
        x, y = i % w, i // w
        if not include_aa and (
            _antialiased(a, x, y, w, h, pa, pb, checkerboard)
            or _antialiased(b, x, y, w, h, pb, pa, checkerboard)
        ):
            classes.append("aa")
            continue
        count += 1
        classes.append("alt" if delta < 0 else "diff")
    return count, classes
