"""Typed limits and the sandbox defaults, read once from ``defaults.yaml``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.datafiles import load_yaml

# bwrap: caller is root, command runs as a throw-away uid. bwrap-userns: caller is not root, bwrap in
# an unprivileged user namespace. rlimit-only: no isolation beyond rlimits and an empty environment.
Mode = Literal["bwrap", "bwrap-userns", "rlimit-only"]


def defaults() -> dict[str, Any]:
    """The parsed ``defaults.yaml`` (cached: it is package data and does not change)."""
    return load_yaml("grokorc_assets.sandbox", "defaults.yaml")


def _limit(name: str) -> Any:
    return defaults()["limits"][name]


class Limits(BaseModel):
    """Resource limits for one sandboxed command. Defaults come from ``defaults.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wall_seconds: float = Field(default_factory=lambda: _limit("wall_seconds"), gt=0)
    grace_seconds: float = Field(default_factory=lambda: _limit("grace_seconds"), ge=0)
    cpu_seconds: int = Field(default_factory=lambda: _limit("cpu_seconds"), gt=0)
    memory_mb: int = Field(default_factory=lambda: _limit("memory_mb"), gt=0)
    file_size_mb: int = Field(default_factory=lambda: _limit("file_size_mb"), gt=0)
    processes: int = Field(default_factory=lambda: _limit("processes"), gt=0)
    open_files: int = Field(default_factory=lambda: _limit("open_files"), gt=0)


class SandboxResult(BaseModel):
    """What happened to one sandboxed command."""

    model_config = ConfigDict(extra="forbid")

    argv: list[str]
    mode: Mode
    exit_code: int | None = Field(description="child's exit status; None when it died of a signal")
    killed_by: str | None = Field(default=None, description="signal name, e.g. SIGKILL")
    timed_out: bool = False
    duration_seconds: float
    stdout_tail: str = ""
    stderr_tail: str = ""
    uid: int = Field(description="uid the command ran as (0 when it could not be dropped)")
    env_dropped: list[str] = Field(default_factory=list, description="caller env names refused")
    notes: list[str] = Field(default_factory=list, description="what was NOT enforced, and why")

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out
