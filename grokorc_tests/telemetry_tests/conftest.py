from __future__ import annotations

from collections.abc import Iterator

import pytest

from grokorc_assets.telemetry import tracing
from grokorc_tests.telemetry_tests.otlp_receiver import OtlpReceiver

OTEL_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED",
             "OTEL_TRACES_EXPORTER", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES")


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as server:
        yield server


@pytest.fixture
def no_otel_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No OTEL_* variable set, and this process's tracing state re-read from that environment."""
    for var in OTEL_VARS:
        monkeypatch.delenv(var, raising=False)
    tracing.shutdown()
    yield
    tracing.shutdown()


@pytest.fixture
def traced_to(receiver: OtlpReceiver, no_otel_env: None, monkeypatch: pytest.MonkeyPatch) -> OtlpReceiver:
    """This process exports spans to the loopback receiver (tracing state reset around the test)."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    tracing.shutdown()
    return receiver
