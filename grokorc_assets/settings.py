"""Process configuration, read from the environment (DESIGN.md "Configuration").

Everything here is resolved once per process; a value that cannot be parsed raises
``ConfigError`` naming the variable, so the CLI can exit 2 with a readable message.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, SecretStr

DATA_DIR = Path(__file__).parent / "data"


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


class SloThresholds(BaseModel):
    cost_usd: float
    latency_seconds: float
    coverage_percent: float
    confidence: float


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def load_slo_thresholds() -> SloThresholds:
    spec = yaml.safe_load((DATA_DIR / "slo.yaml").read_text())
    return SloThresholds(
        cost_usd=_env_float(spec["cost"]["env"], spec["cost"]["threshold"]),
        latency_seconds=_env_float(spec["latency"]["env"], spec["latency"]["threshold"]),
        coverage_percent=_env_float(spec["coverage"]["env"], spec["coverage"]["threshold"]),
        confidence=_env_float(spec["confidence"]["env"], spec["confidence"]["threshold"]),
    )


class Settings(BaseModel):
    home: Path
    database_url: SecretStr | None = None
    pushgateway_url: str | None = None
    chromium: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(os.environ.get("GROKORC_HOME") or "./.grokorc").expanduser().resolve()
        db = os.environ.get("GROKORC_DATABASE_URL") or None
        if db is not None and not db.startswith(("postgresql", "postgres://")):
            raise ConfigError("GROKORC_DATABASE_URL must be a postgresql:// URL")
        return cls(
            home=home,
            database_url=SecretStr(db) if db else None,
            pushgateway_url=os.environ.get("GROKORC_PUSHGATEWAY_URL") or None,
            chromium=os.environ.get("GROKORC_CHROMIUM") or None,
        )

    @cached_property
    def slo(self) -> SloThresholds:
        return load_slo_thresholds()

    @property
    def projects_dir(self) -> Path:
        return self.home / "projects"

    @property
    def pgdata(self) -> Path:
        return self.home / "pg"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def workspace(self, project_id: str, revision: int) -> Path:
        """Artefacts of one revision; a later revision never writes here."""
        return self.projects_dir / project_id / str(revision)
