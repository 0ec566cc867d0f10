"""PNG <-> RGBA uint8 arrays, decoded the way pngjs (used by pixelmatch's own tests) decodes them.

Pillow is imported lazily so that importing grokorc_assets.visual stays cheap.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["decode_png", "png_size", "read_png", "write_png"]


def _sixteen_bit_to_8(values: np.ndarray) -> np.ndarray:
    # pngjs scaleDepth: floor(v * 255 / 65535 + 0.5)
    return np.floor(values.astype(np.float64) * 255 / 65535 + 0.5).astype(np.uint8)


def _decode(image) -> np.ndarray:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        grey = _sixteen_bit_to_8(np.asarray(image, dtype=np.uint32))
        alpha = np.full(grey.shape, 255, dtype=np.uint8)
        if isinstance(image.info.get("transparency"), int):
            alpha[np.asarray(image, dtype=np.uint32) == image.info["transparency"]] = 0
        return np.dstack([grey, grey, grey, alpha])
    rgba = np.array(image.convert("RGBA"), dtype=np.uint8)
    # pngjs replaces a tRNS colour of greyscale/RGB images with (0, 0, 0, 0), not just alpha 0;
    # palette tRNS keeps the palette RGB, which Pillow's conversion already does.
    if mode in ("L", "RGB") and "transparency" in image.info:
        rgba[rgba[..., 3] == 0] = 0
    return rgba


def read_png(path: str | Path) -> np.ndarray:
    """Read a PNG as an H x W x 4 uint8 RGBA array (palette, grey and RGB PNGs expand to RGBA)."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return _decode(image)


def write_png(path: str | Path, array: np.ndarray) -> None:
    """Write an H x W x 4 (or H x W x 3) uint8 array as a PNG."""
    from PIL import Image

    arr = np.asarray(array)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"expected an H x W x 3/4 uint8 array, got shape {arr.shape} dtype {arr.dtype}")
    mode = "RGBA" if arr.shape[2] == 4 else "RGB"
    Image.fromarray(np.ascontiguousarray(arr), mode).save(path, format="PNG")


def thumbnail_png_base64(path: str | Path, width: int) -> str:
    """A PNG of the image scaled to ``width`` pixels wide, base64-encoded (for inline display)."""
    import base64
    import io

    from PIL import Image

    with Image.open(path) as image:
        height = max(1, round(image.height * width / image.width))
        small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        small.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the PNG header (the IHDR chunk always comes first), without decoding."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def decode_png(png: bytes) -> np.ndarray:
    """PNG bytes (a screenshot) -> H x W x 4 uint8 (the layout pixelmatch expects)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.array(image.convert("RGBA"), dtype=np.uint8)
