"""pixelmatch v7.2.0 compatibility, Playwright-style tolerances and PNG decoding."""

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from grokorc_assets.visual import compare_images, pixelmatch, read_png, write_png
from grokorc_tests.visual_tests._reference import reference_pixelmatch

# The module itself, for its private helpers (the package exports the function under the same name).
PM = importlib.import_module("grokorc_assets.visual.pixelmatch")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pixelmatch_v7"
CASES = json.loads((FIXTURES / "cases.json").read_text())["cases"]
JS_OPTIONS = {
    "threshold": "threshold",
    "includeAA": "include_aa",
    "alpha": "alpha",
    "aaColor": "aa_color",
    "diffColor": "diff_color",
    "diffColorAlt": "diff_color_alt",
    "diffMask": "diff_mask",
}


def _options(case):
    return {JS_OPTIONS[k]: v for k, v in case["options"].items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_v7_fixture_count_and_diff_image(case):
    img1 = read_png(FIXTURES / case["img1"])
    img2 = read_png(FIXTURES / case["img2"])
    # Like the JS test, the output starts as a fresh zero-filled image (diffMask leaves the rest).
    output = np.zeros_like(img1)
    count = pixelmatch(img1, img2, output, **_options(case))
    assert count == case["expected"]
    assert pixelmatch(img1, img2, None, **_options(case)) == case["expected"]
    expected_diff = read_png(FIXTURES / case["diff"])
    mismatched = np.argwhere((output != expected_diff).any(axis=2))
    assert mismatched.size == 0, f"{len(mismatched)} diff pixels differ, first at {mismatched[:3].tolist()}"


def test_all_twelve_v7_cases_are_present():
    assert len(CASES) == 12
    assert all((FIXTURES / c[k]).is_file() for c in CASES for k in ("img1", "img2", "diff"))


def _random_pair(seed, h=11, w=13):
    """Small images from a tiny palette (so equal neighbours, AA candidates and edges all occur)."""
    rng = np.random.default_rng(seed)
    palette = np.array(
        [[0, 0, 0, 255], [255, 255, 255, 255], [128, 128, 128, 255], [200, 30, 30, 255],
         [20, 20, 220, 128], [90, 200, 90, 0], [255, 255, 255, 64], [60, 60, 60, 255]],
        dtype=np.uint8,
    )
    img1 = palette[rng.integers(0, len(palette), (h, w))]
    img2 = img1.copy()
    changed = rng.random((h, w)) < 0.35
    img2[changed] = palette[rng.integers(0, len(palette), int(changed.sum()))]
    # Small perturbations so that some changed pixels fall under the threshold.
    jitter = rng.integers(-3, 4, img2.shape) * (rng.random((h, w, 1)) < 0.2)
    img2 = np.clip(img2.astype(int) + jitter, 0, 255).astype(np.uint8)
    return img1, img2


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("threshold", [0.0, 0.05, 0.3])
def test_matches_literal_reference_on_random_images(seed, threshold):
    img1, img2 = _random_pair(seed)
    expected, classes = reference_pixelmatch(img1, img2, threshold=threshold)
    output = np.zeros_like(img1)
    count = pixelmatch(img1, img2, output, threshold=threshold, aa_color=(1, 2, 3),
                       diff_color=(4, 5, 6), diff_color_alt=(7, 8, 9))
    assert count == expected
    colour = {"aa": (1, 2, 3), "diff": (4, 5, 6), "alt": (7, 8, 9)}
    flat = output.reshape(-1, 4)
    for i, cls in enumerate(classes):
        if cls in colour:
            assert tuple(flat[i, :3]) == colour[cls], (i, cls)


def test_reference_agreement_exercises_antialiasing():
    # Guards the random test above against silently never reaching the AA branch.
    classes = [c for seed in range(12) for c in reference_pixelmatch(*_random_pair(seed), threshold=0.05)[1]]
    assert classes.count("aa") > 0 and classes.count("diff") + classes.count("alt") > 0


def _opaque_random_pair(seed, h=12, w=14):
    """Opaque images (the exact integer luma path) from a palette with one-step shades."""
    rng = np.random.default_rng(seed)
    palette = np.array(
        [[0, 0, 0], [255, 255, 255], [128, 128, 128], [129, 128, 128], [128, 129, 128],
         [200, 30, 30], [30, 200, 30], [60, 60, 60]],
        dtype=np.uint8,
    )
    palette = np.concatenate([palette, np.full((len(palette), 1), 255, np.uint8)], axis=1)
    img1 = palette[rng.integers(0, len(palette), (h, w))]
    img2 = img1.copy()
    changed = rng.random((h, w)) < 0.35
    img2[changed] = palette[rng.integers(0, len(palette), int(changed.sum()))]
    return img1, img2


@pytest.mark.parametrize("seed", range(12))
def test_opaque_images_match_literal_reference(seed):
    img1, img2 = _opaque_random_pair(seed)
    expected, classes = reference_pixelmatch(img1, img2, threshold=0.05)
    output = np.zeros_like(img1)
    assert pixelmatch(img1, img2, output, threshold=0.05, aa_color=(1, 2, 3)) == expected
    is_aa = (output.reshape(-1, 4)[:, :3] == (1, 2, 3)).all(axis=1)
    assert is_aa.tolist() == [c == "aa" for c in classes]


def test_opaque_reference_agreement_exercises_antialiasing():
    classes = [c for seed in range(12) for c in reference_pixelmatch(*_opaque_random_pair(seed), threshold=0.05)[1]]
    assert classes.count("aa") > 0 and classes.count("diff") + classes.count("alt") > 0


def test_integer_luma_orders_like_the_js_float_delta():
    coeffs = np.array(PM._Y_INT8, dtype=np.int64) // 8
    # No two colours share an integer luma: no non-zero channel difference maps to 0.
    d = np.arange(-255, 256, dtype=np.int64)
    dr, dg = np.meshgrid(d, d, indexing="ij")
    partial = coeffs[0] * dr + coeffs[1] * dg
    db = -partial // coeffs[2]
    collide = (partial + coeffs[2] * db == 0) & (np.abs(db) <= 255) & ((dr != 0) | (dg != 0))
    assert not collide.any()
    # The float64 JS delta has the sign and the order of the exact integer one.
    rng = np.random.default_rng(0)
    deltas = rng.integers(-255, 256, (200_000, 3))
    deltas[:1000] = rng.integers(-2, 3, (1000, 3))
    exact = deltas @ coeffs
    js = deltas[:, 0] * PM._Y[0] + deltas[:, 1] * PM._Y[1] + deltas[:, 2] * PM._Y[2]
    assert (np.sign(js) == np.sign(exact)).all()
    order = np.argsort(exact, kind="stable")
    assert (np.diff(js[order])[np.diff(exact[order]) > 0] > 0).all()


@pytest.mark.parametrize("seed", range(6))
def test_integer_and_float_luma_extremes_agree(seed):
    rng = np.random.default_rng(seed)
    # Few grey levels: many zero deltas and ties between neighbours; random missing neighbours.
    levels = rng.integers(0, 256, 5).astype(np.uint32) * 0x010101 | np.uint32(0xFF000000)
    centre = levels[rng.integers(0, 5, 400)]
    around = levels[rng.integers(0, 5, (8, 400))]
    valid = rng.random((8, 400)) < 0.8
    exact = PM._luma_extremes_opaque(centre, around, valid)
    floats = PM._luma_extremes_float(centre, around, np.arange(400), valid, True)
    for got, want in zip(exact[:3], floats[:3], strict=True):
        assert np.array_equal(got, want)
    assert np.array_equal(exact[3][exact[1]], floats[3][floats[1]])
    assert np.array_equal(exact[4][exact[2]], floats[4][floats[2]])


def test_include_aa_counts_antialiased_pixels():
    img1 = read_png(FIXTURES / "1a.png")
    img2 = read_png(FIXTURES / "1b.png")
    assert pixelmatch(img1, img2, threshold=0.05, include_aa=True) > 143


def test_identical_images_give_zero_and_grey_output():
    img = read_png(FIXTURES / "6a.png")
    output = np.zeros_like(img)
    assert pixelmatch(img, img.copy(), output) == 0
    assert (output[..., 0] == output[..., 1]).all() and (output[..., 3] == 255).all()
    assert np.array_equal(output, read_png(FIXTURES / "6empty.png"))


def test_size_mismatch_raises_clear_error():
    a = np.zeros((10, 20, 4), np.uint8)
    b = np.zeros((20, 10, 4), np.uint8)
    with pytest.raises(ValueError, match=r"Image sizes do not match: img1 is 20x10, img2 is 10x20"):
        pixelmatch(a, b)
    with pytest.raises(ValueError, match="output"):
        pixelmatch(a, a, np.zeros((10, 10, 4), np.uint8))
    with pytest.raises(ValueError, match="H x W x 4 uint8"):
        pixelmatch(a[..., :3], a[..., :3])


def _with_square(size=8):
    base = np.full((40, 50, 4), 255, np.uint8)
    changed = base.copy()
    changed[5 : 5 + size, 5 : 5 + size, :3] = 0
    return base, changed


def test_compare_default_fails_on_any_mismatch():
    base, changed = _with_square()
    result = compare_images(base, changed)
    assert result.mismatched_pixels == 64 and not result.passed
    assert result.ratio == pytest.approx(64 / 2000)
    assert result.diff.shape == base.shape and "64 pixels" in result.message
    assert compare_images(base, base.copy()).passed


def test_compare_max_diff_pixels_is_inclusive():
    base, changed = _with_square()
    assert compare_images(base, changed, max_diff_pixels=64).passed
    assert not compare_images(base, changed, max_diff_pixels=63).passed


def test_compare_max_diff_pixel_ratio_and_stricter_of_both():
    base, changed = _with_square()
    assert compare_images(base, changed, max_diff_pixel_ratio=0.032).passed
    assert not compare_images(base, changed, max_diff_pixel_ratio=0.031).passed
    # Both set: the stricter limit wins, as in Playwright.
    assert not compare_images(base, changed, max_diff_pixels=1000, max_diff_pixel_ratio=0.01).passed
    assert not compare_images(base, changed, max_diff_pixels=10, max_diff_pixel_ratio=0.5).passed


def test_compare_default_threshold_is_playwrights_0_2():
    base = np.full((4, 4, 4), 255, np.uint8)
    faint = base.copy()
    faint[..., :3] = 215  # grey step 40: YIQ delta ~808, above 0.1**2 * 35215, below 0.2**2 * 35215
    assert compare_images(base, faint).passed
    assert not compare_images(base, faint, threshold=0.1).passed


def test_compare_size_mismatch_fails_without_raising():
    result = compare_images(np.zeros((4, 4, 4), np.uint8), np.zeros((5, 4, 4), np.uint8))
    assert not result.passed and result.diff is None and "4px by 5px" in result.message


def test_compare_rejects_bad_tolerances():
    base, changed = _with_square()
    with pytest.raises(ValueError):
        compare_images(base, changed, max_diff_pixel_ratio=1.5)
    with pytest.raises(ValueError):
        compare_images(base, changed, max_diff_pixels=-1)


def test_png_palette_and_rgb_decode_to_rgba():
    palette = read_png(FIXTURES / "2a.png")
    rgb = read_png(FIXTURES / "4a.png")
    assert palette.dtype == np.uint8 and palette.shape == (256, 256, 4)
    assert rgb.shape == (412, 438, 4) and (rgb[..., 3] == 255).all()


def test_png_round_trip_and_rgb_transparency_like_pngjs(tmp_path):
    from PIL import Image

    img = np.random.default_rng(0).integers(0, 256, (7, 9, 4), dtype=np.uint8)
    write_png(tmp_path / "x.png", img)
    assert np.array_equal(read_png(tmp_path / "x.png"), img)
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 0] = (10, 20, 30)
    Image.fromarray(rgb, "RGB").save(tmp_path / "t.png", transparency=(10, 20, 30))
    decoded = read_png(tmp_path / "t.png")
    # pngjs turns a tRNS colour into fully transparent black.
    assert decoded[0, 0].tolist() == [0, 0, 0, 0] and decoded[1, 1].tolist() == [0, 0, 0, 255]


@pytest.mark.parametrize("seed", range(4))
def test_white_background_option_matches_reference(seed):
    img1, img2 = _random_pair(seed)
    expected, _ = reference_pixelmatch(img1, img2, threshold=0.05, checkerboard=False)
    assert pixelmatch(img1, img2, threshold=0.05, checkerboard=False) == expected


def test_output_may_alias_an_input():
    img1 = read_png(FIXTURES / "1a.png")
    img2 = read_png(FIXTURES / "1b.png")
    separate = np.zeros_like(img1)
    expected = pixelmatch(img1, img2, separate, threshold=0.05)
    aliased = img2.copy()
    assert pixelmatch(img1, aliased, aliased, threshold=0.05) == expected
    assert np.array_equal(aliased, separate)
