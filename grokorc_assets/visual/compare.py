"""Playwright-style screenshot comparison (toHaveScreenshot tolerances) on top of pixelmatch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grokorc_assets.visual.pixelmatch import pixelmatch

__all__ = ["DEFAULT_THRESHOLD", "DiffResult", "compare_images"]

# Playwright's toHaveScreenshot default per-pixel colour threshold.
DEFAULT_THRESHOLD = 0.2


@dataclass(frozen=True)
class DiffResult:
    """Outcome of one comparison. `diff` is None when sizes differ (nothing to diff pixel-wise)."""

    mismatched_pixels: int
    total_pixels: int
    ratio: float
    allowed_pixels: float
    passed: bool
    diff: np.ndarray | None
    message: str = ""


def _allowed_pixels(total: int, max_diff_pixels: int | None, max_diff_pixel_ratio: float | None) -> float:
    """Playwright: the stricter of the two limits when both are set, else the one set, else 0."""
    if max_diff_pixels is not None and max_diff_pixels < 0:
        raise ValueError(f"max_diff_pixels must be >= 0, got {max_diff_pixels}")
    if max_diff_pixel_ratio is not None and not 0 <= max_diff_pixel_ratio <= 1:
        raise ValueError(f"max_diff_pixel_ratio must be between 0 and 1, got {max_diff_pixel_ratio}")
    by_ratio = None if max_diff_pixel_ratio is None else total * max_diff_pixel_ratio
    limits = [v for v in (max_diff_pixels, by_ratio) if v is not None]
    return float(min(limits)) if limits else 0.0


def compare_images(
    expected: np.ndarray,
    actual: np.ndarray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_diff_pixels: int | None = None,
    max_diff_pixel_ratio: float | None = None,
    include_aa: bool = False,
    alpha: float = 0.1,
    diff_mask: bool = False,
) -> DiffResult:
    """Compare a baseline with a new screenshot; fails when more pixels differ than allowed.

    As in Playwright, images of different sizes fail (they do not raise), reporting every pixel of
    the larger image as mismatched.
    """
    exp = np.asarray(expected)
    act = np.asarray(actual)
    if exp.shape != act.shape:
        total = max(exp.shape[0] * exp.shape[1], act.shape[0] * act.shape[1])
        message = (
            f"Expected an image {exp.shape[1]}px by {exp.shape[0]}px, "
            f"received {act.shape[1]}px by {act.shape[0]}px."
        )
        allowed = _allowed_pixels(total, max_diff_pixels, max_diff_pixel_ratio)
        return DiffResult(total, total, 1.0, allowed, False, None, message)
    total = exp.shape[0] * exp.shape[1]
    allowed = _allowed_pixels(total, max_diff_pixels, max_diff_pixel_ratio)
    diff = np.zeros_like(exp)
    count = pixelmatch(exp, act, diff, threshold=threshold, include_aa=include_aa, alpha=alpha,
                       diff_mask=diff_mask)
    ratio = count / total if total else 0.0
    passed = count <= allowed
    message = "" if passed else f"{count} pixels (ratio {ratio:.4f} of all image pixels) are different."
    return DiffResult(count, total, ratio, allowed, passed, diff, message)
