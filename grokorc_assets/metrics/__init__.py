"""grokorc's Prometheus metrics (docs/design.md "Prometheus metrics") as a plain-Python fold of event-log facts.

- :mod:`.events`: the facts (materialisations, check evaluations, run ends) as plain dataclasses.
- :mod:`.state`: :class:`MetricsState`, the cumulative fold and its serialised form (the sensor's cursor).
- :mod:`.exposition`: the text exposition format and the Pushgateway push.

The Dagster side (reading the event log by storage id, the tick) is ``grokorc_assets.sensors.slo_metrics_sensor``.
"""

from grokorc_assets.metrics.events import WORKFLOW_JOB, CheckEvaluation, Materialization, MetricEvent, RunEnd
from grokorc_assets.metrics.exposition import PUSH_JOB, build_registry, push_metrics, render_metrics
from grokorc_assets.metrics.state import COUNTERS, HISTOGRAMS, MetricsState

__all__ = [
    "COUNTERS",
    "HISTOGRAMS",
    "PUSH_JOB",
    "WORKFLOW_JOB",
    "CheckEvaluation",
    "Materialization",
    "MetricEvent",
    "MetricsState",
    "RunEnd",
    "build_registry",
    "push_metrics",
    "render_metrics",
]
