"""Rendering a :class:`MetricsState` for Prometheus: a collector, the text format, the Pushgateway push.

Each push is a ``PUT`` of the *whole* cumulative state to the group ``job="grokorc"`` (prometheus_client's
``push_to_gateway``), so a restarted, empty Pushgateway is refilled by the next push and pushing the same
state twice changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, push_to_gateway
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from grokorc_assets.metrics.state import COUNTERS, DEFAULT_MODELS, HISTOGRAMS, MetricsState

PUSH_JOB = "grokorc"


class StateCollector(Collector):
    """Exposes a state snapshot; ``models`` are LLM models whose series start at 0 even before use."""

    def __init__(self, state: MetricsState, models: Iterable[str] = DEFAULT_MODELS) -> None:
        self.series = state.series(models)
        self.histograms = {
            name: (h.cumulative(), h.total) for name, h in state.histograms.items()
        }

    def collect(self) -> Iterator[Metric]:
        for name, (doc, labels) in COUNTERS.items():
            family = CounterMetricFamily(name, doc, labels=list(labels))
            for key, value in sorted(self.series[name].items()):
                family.add_metric(list(key), value)
            yield family
        for name, (doc, _) in HISTOGRAMS.items():
            buckets, total = self.histograms[name]
            yield HistogramMetricFamily(
                name,
                doc,
                buckets=[("+Inf" if math.isinf(b) else floatToGoString(b), n) for b, n in buckets],
                sum_value=total,
            )


def build_registry(state: MetricsState, models: Iterable[str] = DEFAULT_MODELS) -> CollectorRegistry:
    """A fresh registry holding exactly the state's metrics (nothing of the process's own)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(state, models))
    return registry


def render_metrics(state: MetricsState, models: Iterable[str] = DEFAULT_MODELS) -> bytes:
    """The state in the Prometheus text exposition format (what the Pushgateway receives)."""
    return generate_latest(build_registry(state, models))


def push_metrics(
    gateway: str, state: MetricsState, models: Iterable[str] = DEFAULT_MODELS, timeout: float = 5.0
) -> None:
    """PUT the full state to ``gateway`` (``http://host:port`` or ``host:port``); raises on any failure."""
    push_to_gateway(gateway, job=PUSH_JOB, registry=build_registry(state, models), timeout=timeout)
