"""Accessibility audit: axe-core (as packaged by axe-playwright-python) run in a page, as an A11yReport."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from grokorc_assets.visual.browser_models import IMPACTS, A11yReport, A11yViolation, ImpactCounts

__all__ = ["a11y_report", "run_axe"]


def run_axe(page: Page) -> dict[str, Any]:
    """axe's raw response for the page as loaded."""
    from axe_playwright_python.sync_playwright import Axe  # heavy: reads axe.min.js on import

    return Axe().run(page).response


def a11y_report(url: str, response: dict[str, Any], elapsed_ms: float) -> A11yReport:
    counts = dict.fromkeys(IMPACTS, 0)
    nodes = dict.fromkeys(IMPACTS, 0)
    violations = []
    for item in response.get("violations", []):
        targets = [_target(node.get("target", [])) for node in item.get("nodes", [])]
        impact = item.get("impact")
        violations.append(A11yViolation(
            id=item["id"], impact=impact, help=item.get("help", ""), help_url=item.get("helpUrl", ""),
            targets=targets,
        ))
        if impact in counts:
            counts[impact] += 1
            nodes[impact] += len(targets)
    return A11yReport(
        url=url, counts=ImpactCounts(**counts), node_counts=ImpactCounts(**nodes), violations=violations,
        axe_version=response.get("testEngine", {}).get("version", ""), elapsed_ms=elapsed_ms,
    )


def _target(selectors: list[Any]) -> str:
    # axe gives one selector per frame / shadow root level; nested lists for shadow DOM.
    return " >>> ".join(" ".join(s) if isinstance(s, list) else str(s) for s in selectors)
