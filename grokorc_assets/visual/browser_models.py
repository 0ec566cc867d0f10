"""Typed models and settings for the browser side of visual tests.

Plain pydantic (no dagster): these are what ``browser.py`` returns and what the ``visual_test`` asset
stores. Defaults live in ``data/visual.yaml`` so thresholds stay configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.visual.png import decode_png, png_size

Impact = Literal["critical", "serious", "moderate", "minor"]
IMPACTS: tuple[str, ...] = ("critical", "serious", "moderate", "minor")

# Page and viewport names become path components (<out_dir>/<page>/<viewport>.png).
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _safe_name(value: str) -> str:
    if not _SAFE_NAME.match(value):
        raise ValueError(f"{value!r} is not a safe file name (letters, digits, '.', '_', '-')")
    return value


class Viewport(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    width: int = Field(gt=0, le=10000)
    height: int = Field(gt=0, le=10000)

    _check_name = field_validator("name")(_safe_name)

    @property
    def size(self) -> dict[str, int]:
        return {"width": self.width, "height": self.height}


class PageSpec(BaseModel):
    """One generated page: a name for the output folder and the URL to load."""

    name: str
    url: str
    masks: list[str] = Field(default_factory=list, description="CSS selectors of dynamic regions")

    _check_name = field_validator("name")(_safe_name)


class BrowserSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    viewports: list[Viewport]
    audit_viewport: str = "desktop"
    launch_args: list[str] = Field(default_factory=list)
    launch_timeout_s: float = Field(30, gt=0)
    navigation_timeout_s: float = Field(15, gt=0)
    network_idle_timeout_s: float = Field(3, ge=0)
    action_timeout_s: float = Field(15, gt=0)
    operation_timeout_s: float = Field(60, gt=0)
    driver_kill_grace_s: float = Field(5, gt=0)
    retries: int = Field(2, ge=0, le=5)
    backoff_base_s: float = Field(0.5, ge=0)
    max_stability_shots: int = Field(3, ge=2)
    mask_color: str = "#FF00FF"
    overflow_max_offenders: int = Field(5, ge=0)
    capture_workers: int = Field(2, ge=1, le=8)
    fast_capture: bool = True
    one_shot_when_quiet: bool = True

    def with_overrides(self, **changes: Any) -> BrowserSettings:
        """A validated copy (model_copy(update=) would skip validation)."""
        return BrowserSettings.model_validate({**self.model_dump(), **changes})


def load_settings(path: Path | None = None) -> BrowserSettings:
    """Settings from the packaged YAML (or another file with the same ``browser:`` section)."""
    if path is None:
        raw = load_yaml("grokorc_assets.visual", "data/visual.yaml")
    else:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return BrowserSettings.model_validate(raw["browser"])


class Shot(BaseModel):
    """One stabilised screenshot. ``rgba`` is the decoded ``png`` (H x W x 4 uint8), decoded on first use:
    most shots are only written to disk and compared by their bytes."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    url: str
    viewport: Viewport
    png: bytes = Field(repr=False, exclude=True)
    stable: bool
    shots_taken: int
    network_idle: bool
    console_errors: list[str] = Field(default_factory=list)
    page_errors: list[str] = Field(default_factory=list)
    attempts: int = 1
    elapsed_ms: float = 0.0
    http_status: int | None = None
    _rgba: np.ndarray | None = PrivateAttr(default=None)

    @property
    def rgba(self) -> np.ndarray:
        if self._rgba is None:
            self._rgba = decode_png(self.png)
        return self._rgba

    @property
    def width(self) -> int:
        return png_size(self.png)[0]

    @property
    def height(self) -> int:
        return png_size(self.png)[1]


class A11yViolation(BaseModel):
    id: str
    impact: Impact | None
    help: str
    help_url: str = ""
    targets: list[str] = Field(default_factory=list)


class ImpactCounts(BaseModel):
    critical: int = 0
    serious: int = 0
    moderate: int = 0
    minor: int = 0


class A11yReport(BaseModel):
    url: str
    counts: ImpactCounts = Field(description="violated rules per impact")
    node_counts: ImpactCounts = Field(description="offending elements per impact")
    violations: list[A11yViolation] = Field(default_factory=list)
    axe_version: str = ""
    elapsed_ms: float = 0.0

    def rule_ids(self, impact: str | None = None) -> set[str]:
        return {v.id for v in self.violations if impact is None or v.impact == impact}


class OverflowOffender(BaseModel):
    selector: str
    right: float
    width: float


class OverflowReport(BaseModel):
    viewport: Viewport
    overflowing: bool
    scroll_width: int
    client_width: int
    offenders: list[OverflowOffender] = Field(default_factory=list)


class PageState(BaseModel):
    """What the loaded page says about itself through the generated UI's ``data-state`` contract."""

    errors: list[str] = Field(default_factory=list, description='texts of visible [data-state="error"]')
    empty: int = Field(0, description='visible [data-state="empty"] elements')
    loading: int = Field(0, description='visible [data-state="loading"] elements')


class ShotTimings(BaseModel):
    shoot_ms: float
    overflow_ms: float
    a11y_ms: float | None = None
    total_ms: float


class ShotRecord(BaseModel):
    """What ``capture`` keeps per page x viewport (serialisable: no pixels, only the PNG path)."""

    page: str
    viewport: Viewport
    path: str
    width: int
    height: int
    stable: bool
    shots_taken: int
    network_idle: bool
    attempts: int
    console_errors: list[str] = Field(default_factory=list)
    page_errors: list[str] = Field(default_factory=list)
    overflow: OverflowReport
    a11y: A11yReport | None = None
    timings: ShotTimings
    http_status: int | None = Field(None, description="status of the page's document (None: file://)")
    state: PageState = Field(default_factory=PageState)
