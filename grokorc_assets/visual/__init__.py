"""Visual regression helpers: a vectorised pixelmatch v7.2.0, Playwright-style tolerances, PNG I/O.

Import-light on purpose: numpy only (Pillow is imported when a PNG is read or written).
"""

from grokorc_assets.visual.compare import DEFAULT_THRESHOLD, DiffResult, compare_images
from grokorc_assets.visual.pixelmatch import pixelmatch
from grokorc_assets.visual.png import read_png, write_png

__all__ = ["DEFAULT_THRESHOLD", "DiffResult", "compare_images", "pixelmatch", "read_png", "write_png"]
