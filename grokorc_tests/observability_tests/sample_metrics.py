"""Realistic grokorc metrics for the observability tests, built with prometheus_client.

The names, types and label sets are the contract of docs/design.md ("Prometheus metrics"); the values
come from simulated workflows (deterministic). This is test data, not the metrics sensor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, push_to_gateway

# metric family name -> kind, as exposed (counters with their _total suffix)
DESIGN_METRICS: dict[str, str] = {
    "grokorc_stack_confidence": "histogram",
    "grokorc_ui_components_generated_total": "counter",
    "grokorc_conflicts_detected_total": "counter",
    "grokorc_conflicts_resolved_total": "counter",
    "grokorc_conflict_similarity": "histogram",
    "grokorc_visual_tests_total": "counter",
    "grokorc_visual_tests_passed_total": "counter",
    "grokorc_visual_tests_failed_total": "counter",
    "grokorc_visual_diff_score": "histogram",
    "grokorc_workflows_completed_total": "counter",
    "grokorc_workflow_duration_seconds": "histogram",
    "grokorc_llm_tokens_used_total": "counter",
    "grokorc_llm_cost_usd_total": "counter",
    "grokorc_coverage_percent": "histogram",
    "grokorc_slo_check_evaluations_total": "counter",
}

RATIO_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
# 720 s (the latency SLO) is a bucket boundary so GrokorcSlowWorkflows' p95 > 720 is exact.
DURATION_BUCKETS = (30, 60, 120, 300, 600, 720, 900, 1200, 1800, 3600)
DIFF_BUCKETS = (0.0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0)
COVERAGE_BUCKETS = (50, 70, 80, 90, 95, 97.5, 99, 100)


@dataclass
class Workflow:
    """What one finished build contributes to the metrics."""

    status: str = "success"
    confidence: float = 0.9
    components: int = 12
    conflicts_detected: int = 1
    conflicts_resolved: int = 1
    similarity: float = 0.82
    visual_passed: int = 6
    visual_failed: int = 0
    diff_scores: tuple[float, ...] = (0.0, 0.002, 0.0, 0.004, 0.0, 0.001)
    duration_seconds: float = 240.0
    # model -> (input tokens, output tokens, cost in USD)
    llm: dict[str, tuple[int, int, float]] = field(
        default_factory=lambda: {"gpt-4o-mini": (1800, 800, 0.0132), "offline": (0, 0, 0.0)}
    )
    coverage: float = 97.0
    # check -> (severity, passed)
    checks: dict[str, tuple[str, bool]] = field(
        default_factory=lambda: {
            "cost_slo": ("ERROR", True),
            "latency_slo": ("WARN", True),
            "coverage_slo": ("ERROR", True),
            "confidence_slo": ("WARN", True),
            "acceptance": ("ERROR", True),
        }
    )


class GrokorcSampleMetrics:
    """A CollectorRegistry holding every metric of docs/design.md "Prometheus metrics", fed by :meth:`record`."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.confidence = Histogram(
            "grokorc_stack_confidence", "Stack inference confidence", buckets=RATIO_BUCKETS, registry=r
        )
        self.components = Counter("grokorc_ui_components_generated", "UI components generated", registry=r)
        self.conflicts_detected = Counter("grokorc_conflicts_detected", "Conflicts detected", registry=r)
        self.conflicts_resolved = Counter("grokorc_conflicts_resolved", "Conflicts resolved", registry=r)
        self.similarity = Histogram(
            "grokorc_conflict_similarity", "Conflict similarity", buckets=RATIO_BUCKETS, registry=r
        )
        self.visual_total = Counter("grokorc_visual_tests", "Visual tests run", registry=r)
        self.visual_passed = Counter("grokorc_visual_tests_passed", "Visual tests passed", registry=r)
        self.visual_failed = Counter("grokorc_visual_tests_failed", "Visual tests failed", registry=r)
        self.diff = Histogram(
            "grokorc_visual_diff_score", "Visual diff ratio", buckets=DIFF_BUCKETS, registry=r
        )
        self.workflows = Counter("grokorc_workflows_completed", "Workflows completed", ["status"], registry=r)
        self.duration = Histogram(
            "grokorc_workflow_duration_seconds", "Workflow duration", buckets=DURATION_BUCKETS, registry=r
        )
        self.tokens = Counter("grokorc_llm_tokens_used", "LLM tokens", ["model", "type"], registry=r)
        self.cost = Counter("grokorc_llm_cost_usd", "LLM cost in USD", ["model"], registry=r)
        self.coverage = Histogram(
            "grokorc_coverage_percent", "Line coverage %", buckets=COVERAGE_BUCKETS, registry=r
        )
        self.checks = Counter(
            "grokorc_slo_check_evaluations",
            "SLO check evaluations",
            ["check", "severity", "passed"],
            registry=r,
        )

    def record(self, w: Workflow) -> None:
        self.confidence.observe(w.confidence)
        self.components.inc(w.components)
        self.conflicts_detected.inc(w.conflicts_detected)
        self.conflicts_resolved.inc(w.conflicts_resolved)
        for _ in range(w.conflicts_detected):
            self.similarity.observe(w.similarity)
        self.visual_total.inc(w.visual_passed + w.visual_failed)
        self.visual_passed.inc(w.visual_passed)
        self.visual_failed.inc(w.visual_failed)
        for score in w.diff_scores:
            self.diff.observe(score)
        self.workflows.labels(status=w.status).inc()
        self.duration.observe(w.duration_seconds)
        for model, (tin, tout, usd) in w.llm.items():
            self.tokens.labels(model=model, type="input").inc(tin)
            self.tokens.labels(model=model, type="output").inc(tout)
            self.cost.labels(model=model).inc(usd)
        self.coverage.observe(w.coverage)
        for check, (severity, passed) in w.checks.items():
            self.checks.labels(check=check, severity=severity, passed=str(passed).lower()).inc()

    def push(self, gateway: str, job: str = "grokorc") -> None:
        push_to_gateway(gateway, job=job, registry=self.registry)


def typical_batch(round_no: int) -> list[Workflow]:
    """Three builds like the demo: a clean dashboard, a vague request, a complex analytics product."""
    vague = Workflow(
        confidence=0.55,
        components=4,
        conflicts_detected=0,
        conflicts_resolved=0,
        visual_passed=3,
        visual_failed=1,
        diff_scores=(0.0, 0.03, 0.0, 0.12),
        duration_seconds=95.0,
        checks={
            "cost_slo": ("ERROR", True),
            "latency_slo": ("WARN", True),
            "coverage_slo": ("ERROR", True),
            "confidence_slo": ("WARN", False),
        },
    )
    complex_ = Workflow(
        status="blocked" if round_no % 2 else "success",
        confidence=0.86,
        components=31,
        conflicts_detected=3,
        conflicts_resolved=2,
        similarity=0.91,
        visual_passed=11,
        visual_failed=1,
        diff_scores=(0.0,) * 10 + (0.07, 0.004),
        duration_seconds=650.0,
        llm={"gpt-4o": (12000, 5200, 0.082), "gpt-4o-mini": (4000, 1500, 0.0015)},
        coverage=93.5,
        checks={
            "cost_slo": ("ERROR", True),
            "latency_slo": ("WARN", True),
            "coverage_slo": ("ERROR", False),
            "confidence_slo": ("WARN", True),
            "acceptance": ("ERROR", False),
        },
    )
    return [Workflow(), vague, complex_]
