"""Visual regression over captured shots: compare each with its baseline, record new ones.

Plain Python (no Dagster): the `visual_test` asset passes the shots from ``browser.capture`` and a
baseline store; this module decides pass / fail / new per shot and writes diff images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, Field

from grokorc_assets.visual.browser_models import ShotRecord
from grokorc_assets.visual.compare import compare_images
from grokorc_assets.visual.png import read_png, write_png

IMPACTS = ("critical", "serious", "moderate", "minor")


class Tolerance(BaseModel):
    threshold: float = 0.2
    max_diff_pixel_ratio: float | None = 0.001
    max_diff_pixels: int | None = None


class ShotVerdict(BaseModel):
    page: str
    viewport: str
    path: str
    # "broken": the page showed an error (or nothing despite seeded data). Counts as failed and is
    # never stored as a baseline, so an error screen can never become the approved look.
    status: Literal["passed", "failed", "new", "broken"]
    diff_ratio: float = 0.0
    mismatched_pixels: int = 0
    diff_path: str | None = None
    overflow: bool = False
    console_errors: list[str] = Field(default_factory=list)
    message: str = ""


class VisualReport(BaseModel):
    applicable: bool = True
    degraded: bool = False
    reason: str | None = None
    total: int = 0
    passed: int = 0
    failed: int = 0
    new: int = 0
    max_diff_ratio: float = 0.0
    a11y: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(IMPACTS, 0))
    a11y_violations: list[dict] = Field(default_factory=list)
    overflow_failures: int = 0
    broken_pages: int = 0
    broken: dict[str, str] = Field(default_factory=dict, description="page -> why it is broken")
    shots: list[ShotVerdict] = Field(default_factory=list)


class BaselineStore(Protocol):
    def current(self, project_id: str, page: str, viewport: str): ...

    def promote(self, project_id: str, page: str, viewport: str, image: Path, revision: int, approved_by: str): ...


def broken_reason(record: ShotRecord, data_seeded: bool) -> str | None:
    """Why this shot shows a broken page, or None: an HTTP error, a visible error state, or a visible
    empty state although sample data was created (the page cannot be reading it)."""
    if record.http_status is not None and record.http_status >= 400:
        return f"the page answered HTTP {record.http_status}"
    if record.state.errors:
        return "shows an error: " + " | ".join(text or "(no text)" for text in record.state.errors)[:300]
    if data_seeded and record.state.empty:
        return "shows an empty state although sample data was seeded"
    return None


def broken_pages(records: list[ShotRecord], data_seeded: bool) -> dict[str, str]:
    """page -> reason, for pages broken at any viewport (a page is judged as a whole)."""
    found: dict[str, str] = {}
    for record in records:
        reason = broken_reason(record, data_seeded)
        if reason and record.page not in found:
            found[record.page] = f"{reason} (at {record.viewport.name})"
    return found


def judge_shots(
    records: list[ShotRecord], store: BaselineStore, project_id: str, revision: int, diff_dir: Path,
    tolerance: Tolerance, *, data_seeded: bool = False,
) -> VisualReport:
    report = VisualReport(broken=broken_pages(records, data_seeded))
    for record in records:
        if record.page in report.broken:
            verdict = _broken_verdict(record, report.broken[record.page])
        else:
            verdict = _judge(record, store, project_id, revision, diff_dir, tolerance)
        report.shots.append(verdict)
        if record.a11y is not None:
            for impact in IMPACTS:
                report.a11y[impact] += getattr(record.a11y.counts, impact)
            report.a11y_violations += [
                {"page": record.page, "rule": v.id, "impact": v.impact, "help": v.help, "targets": v.targets[:3]}
                for v in record.a11y.violations
            ]
    report.total = len(report.shots)
    report.passed = sum(s.status == "passed" for s in report.shots)
    report.failed = sum(s.status in ("failed", "broken") for s in report.shots)
    report.broken_pages = len(report.broken)
    report.new = sum(s.status == "new" for s in report.shots)
    report.overflow_failures = sum(s.overflow for s in report.shots)
    report.max_diff_ratio = max((s.diff_ratio for s in report.shots), default=0.0)
    return report


def _common(record: ShotRecord) -> dict:
    return {"page": record.page, "viewport": record.viewport.name, "path": record.path,
            "overflow": record.overflow.overflowing, "console_errors": record.console_errors + record.page_errors}


def _broken_verdict(record: ShotRecord, reason: str) -> ShotVerdict:
    # No baseline lookup and no promote: compared or not, this shot must not become the reference.
    return ShotVerdict(status="broken", message=f"broken page: {reason}", **_common(record))


def _same_bytes(a: str, b: str) -> bool:
    first, second = Path(a), Path(b)
    return first.stat().st_size == second.stat().st_size and first.read_bytes() == second.read_bytes()


def _judge(
    record: ShotRecord, store: BaselineStore, project_id: str, revision: int, diff_dir: Path, tolerance: Tolerance
) -> ShotVerdict:
    viewport = record.viewport.name
    common = _common(record)
    baseline = store.current(project_id, record.page, viewport)
    if baseline is None:
        # First run: the shot becomes the baseline; "new" is not a failure.
        store.promote(project_id, record.page, viewport, Path(record.path), revision, "grokorc (first run)")
        return ShotVerdict(status="new", message="recorded as the first baseline", **common)
    if _same_bytes(baseline.image_path, record.path):
        # Most shots are kept because they equal their baseline (capture retakes only what differs):
        # byte-identical PNGs need neither decoding nor a pixel diff.
        return ShotVerdict(status="passed", message="identical to the baseline", **common)
    result = compare_images(
        read_png(baseline.image_path), read_png(record.path), threshold=tolerance.threshold,
        max_diff_pixels=tolerance.max_diff_pixels, max_diff_pixel_ratio=tolerance.max_diff_pixel_ratio,
    )
    diff_path = None
    if result.diff is not None and result.mismatched_pixels:
        diff_path = str(diff_dir / record.page / f"{viewport}.diff.png")
        Path(diff_path).parent.mkdir(parents=True, exist_ok=True)
        write_png(diff_path, np.ascontiguousarray(result.diff))
    return ShotVerdict(
        status="passed" if result.passed else "failed", diff_ratio=round(result.ratio, 6),
        mismatched_pixels=result.mismatched_pixels, diff_path=diff_path, message=result.message, **common,
    )
