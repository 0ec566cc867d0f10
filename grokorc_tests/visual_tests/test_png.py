"""PNG helpers: a shot's size is read from its header, without decoding it."""

from __future__ import annotations

import numpy as np
import pytest

from grokorc_assets.visual.png import decode_png, png_size, write_png


def test_png_size_reads_the_header_of_what_write_png_wrote(tmp_path) -> None:
    image = np.zeros((37, 91, 4), dtype=np.uint8)
    image[..., 3] = 255
    path = tmp_path / "shot.png"
    write_png(path, image)
    data = path.read_bytes()
    assert png_size(data) == (91, 37)
    assert decode_png(data).shape == (37, 91, 4)


@pytest.mark.parametrize("data", [b"", b"GIF89a" + bytes(30), b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IEND" + bytes(8)])
def test_png_size_refuses_what_is_not_a_png(data: bytes) -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(data)
