"""The reference catalogue: loading, validation, content hash and the rows to index."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import ARCHETYPES, STACK_LAYERS, IndexRow, Stack
from grokorc_assets.planning.embeddings import Embedder

MIN_PROJECTS_PER_ARCHETYPE = 6


def _check_stack(stack: Stack, where: str) -> None:
    for layer, allowed in STACK_LAYERS.items():
        unknown = [t for t in getattr(stack, layer) if t not in allowed]
        if unknown:
            raise ValueError(f"{where}: {unknown} not canonical {layer} names {list(allowed)}")


class CatalogueProject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=10)
    stack: Stack


class ArchetypeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    has_ui: bool
    default_stack: Stack
    entities: list[str]
    features: list[str]
    pages: list[str]
    projects: list[CatalogueProject]


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    archetypes: dict[str, ArchetypeEntry]

    @model_validator(mode="after")
    def _complete_and_canonical(self) -> Catalogue:
        if sorted(self.archetypes) != sorted(ARCHETYPES):
            raise ValueError(f"catalogue archetypes {sorted(self.archetypes)} != {sorted(ARCHETYPES)}")
        seen: set[str] = set()
        for name, entry in self.archetypes.items():
            _check_stack(entry.default_stack, f"{name}.default_stack")
            if len(entry.projects) < MIN_PROJECTS_PER_ARCHETYPE:
                raise ValueError(f"{name}: {len(entry.projects)} projects < {MIN_PROJECTS_PER_ARCHETYPE}")
            for project in entry.projects:
                _check_stack(project.stack, project.id)
                if project.id in seen:
                    raise ValueError(f"duplicate catalogue id {project.id}")
                seen.add(project.id)
        return self

    def projects(self) -> list[tuple[str, CatalogueProject]]:
        """(archetype, project) in a stable order: archetype order of the Plan contract, then file order."""
        return [(a, p) for a in ARCHETYPES for p in self.archetypes[a].projects]

    def by_id(self) -> dict[str, tuple[str, CatalogueProject]]:
        return {p.id: (a, p) for a, p in self.projects()}

    def content_hash(self, embedder_name: str = "") -> str:
        """sha256 over the canonical JSON (+ embedder name): re-embed only when this changes."""
        payload = json.dumps(
            {"catalogue": self.model_dump(mode="json"), "embedder": embedder_name},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load_catalogue(text: str | None = None) -> Catalogue:
    """Parse and validate the packaged catalogue (or ``text``, for tests and overrides)."""
    if text is None:
        return _packaged_catalogue()
    return Catalogue.model_validate(yaml.safe_load(text))


@lru_cache(maxsize=1)
def _packaged_catalogue() -> Catalogue:
    return Catalogue.model_validate(load_yaml("grokorc_assets.planning", "data/catalogue.yaml"))


def embed_catalogue(catalogue: Catalogue, embedder: Embedder) -> tuple[list[str], np.ndarray]:
    """Ids and the (n, dim) embedding matrix of every project description, in catalogue order."""
    items = catalogue.projects()
    matrix = embedder.embed([p.description for _, p in items])
    return [p.id for _, p in items], matrix


def index_rows(catalogue: Catalogue, embedder: Embedder) -> list[IndexRow]:
    ids, matrix = embed_catalogue(catalogue, embedder)
    lookup = catalogue.by_id()
    return [
        IndexRow(
            id=pid, archetype=lookup[pid][0], description=lookup[pid][1].description,
            stack=lookup[pid][1].stack, embedding=[float(x) for x in matrix[i]],
        )
        for i, pid in enumerate(ids)
    ]
