"""Typed thresholds of the conflicts stage, read once from ``data/conflicts.yaml``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.datafiles import load_yaml


class VersionGrid(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_major: int = Field(ge=1)
    max_minor: int = Field(ge=1)


class ConflictSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    auto_mediation_similarity: float = Field(ge=0.0, le=1.0)
    duplicate_field_overlap: float = Field(ge=0.0, le=1.0)
    duplicate_component_floor: float = Field(ge=0.0, le=1.0)
    version_grid: VersionGrid
    requirement_globs: list[str]
    mediator_context_chars: int = Field(ge=200)
    runtime_env_prefixes: list[str]


@lru_cache(maxsize=1)
def load_settings() -> ConflictSettings:
    """The packaged defaults (cached: package data does not change while a process runs)."""
    return ConflictSettings.model_validate(load_yaml("grokorc_assets.conflicts", "data/conflicts.yaml"))
