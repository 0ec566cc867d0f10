"""Process configuration, read from the environment (docs/design.md "Configuration").

Everything here is resolved once per process; a value that cannot be parsed raises
``ConfigError`` naming the variable, so the CLI can exit 2 with a readable message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, SecretStr

from grokorc_assets.datafiles import load_yaml


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


# The variables definitions.py hands to resources as ``dagster.EnvVar`` (grokorc_assets/resources/env.py).
# Dagster fails a resource whose EnvVar is unset, so wherever grokorc's Dagster code runs each one is set,
# empty when not chosen: grokorc reads an empty variable as unset (its default).
RESOURCE_ENV_VARS: tuple[str, ...] = (
    "GROKORC_HOME",
    "GROKORC_DATABASE_URL",
    "GROKORC_LLM_PROVIDER",
    "GROKORC_LLM_BASE_URL",
    "GROKORC_LLM_API_KEY",
    "GROKORC_LLM_MODEL",
    "GROKORC_LLM_RECORD_MODE",
    "GROKORC_EMBEDDINGS_MODEL",
)


def undeclared_resource_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``RESOURCE_ENV_VARS`` that ``environ`` (default ``os.environ``) lacks, declared empty."""
    environ = os.environ if environ is None else environ
    return {name: "" for name in RESOURCE_ENV_VARS if name not in environ}


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
    spec = load_yaml("grokorc_assets", "data/slo.yaml")
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
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (default ``os.environ``); an unset or empty variable takes the default."""
        env = os.environ if env is None else env
        home = Path(env.get("GROKORC_HOME") or "./.grokorc").expanduser().resolve()
        db = env.get("GROKORC_DATABASE_URL") or None
        if db is not None and not db.startswith(("postgresql", "postgres://")):
            raise ConfigError("GROKORC_DATABASE_URL must be a postgresql:// URL")
        return cls(
            home=home,
            database_url=SecretStr(db) if db else None,
            pushgateway_url=env.get("GROKORC_PUSHGATEWAY_URL") or None,
            chromium=env.get("GROKORC_CHROMIUM") or None,
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
