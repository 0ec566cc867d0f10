"""Typed models at the boundaries: the request, the plan and LLM usage.

The JSON shapes follow docs/design.md ("Plan"). These models are what the CLI prints, what the
``plan`` asset stores and what an LLM provider's structured output is validated against.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

Archetype = Literal[
    "dashboard", "ecommerce", "chat", "content", "crud", "landing",
    "api", "game", "ml", "booking", "social", "cli",
]
ARCHETYPES: tuple[str, ...] = Archetype.__args__  # type: ignore[attr-defined]

FRONTEND = ("react", "vue", "svelte", "angular", "nextjs", "htmx", "vanilla")
BACKEND = ("fastapi", "django", "flask", "express", "node", "rails", "spring", "go", "python")
DATABASE = ("postgres", "mysql", "sqlite", "mongodb", "redis")
DEVOPS = ("docker-compose", "kubernetes")
STACK_LAYERS: dict[str, tuple[str, ...]] = {
    "frontend": FRONTEND, "backend": BACKEND, "database": DATABASE, "devops": DEVOPS,
}


class Stack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    frontend: list[str] = Field(default_factory=list)
    backend: list[str] = Field(default_factory=list)
    database: list[str] = Field(default_factory=list)
    devops: list[str] = Field(default_factory=list)


class Neighbour(BaseModel):
    id: str
    similarity: float
    archetype: str


class IndexRow(BaseModel):
    """One catalogue project ready for a vector index (pgvector or ExactKnn)."""

    id: str
    archetype: str
    description: str
    stack: Stack
    embedding: list[float]


class Usage(BaseModel):
    """Tokens and cost of one or more LLM exchanges."""

    model: str = "offline"
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    estimated: bool = True

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def plus(self, other: Usage) -> Usage:
        """Both exchanges' usage together (the model of the later one, estimated if either was)."""
        return Usage(
            model=other.model or self.model,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            estimated=self.estimated or other.estimated,
        )


class Tasks(BaseModel):
    frontend: list[str] = Field(default_factory=list)
    backend: list[str] = Field(default_factory=list)
    devops: list[str] = Field(default_factory=list)


FieldType = Literal["str", "text", "int", "float", "bool", "email", "datetime"]
Verification = Literal["api", "browser", "cli"]


class EntityField(BaseModel):
    """A field the request names for an entity ("books with title, author, price and stock")."""

    name: str  # lower snake, in the request's language
    type: FieldType = "str"
    # The values the request listed for it ("status (open, in progress, done)"); None: any value of its type.
    choices: list[str] | None = None
    # A reference a record may lack at first: a ticket is opened before an agent is assigned to it.
    optional: bool = False

    @model_serializer(mode="wrap")
    def _without_unlisted_choices(self, handler):
        # A plan's fields read {"name", "type"} unless the request listed values or made the field optional
        # (older plans stay byte-identical).
        data = handler(self)
        if isinstance(data, dict):
            if data.get("choices") is None:
                data.pop("choices", None)
            if not data.get("optional"):
                data.pop("optional", None)
        return data


class AcceptanceCriterion(BaseModel):
    """One observable promise of the delivered project, each proven by a test (docs/design.md "Request fidelity")."""

    id: str  # "ac01", stable for a given plan
    text: str  # what a person would check, in plain words
    feature: str  # a key of the feature table ("crud", "search", "checkout", ...)
    entity: str | None = None  # the entity it is about, when any
    verify: Verification  # api: the app's test client; browser: the served UI in Chromium; cli: the program


class Unmet(BaseModel):
    """Something the request asks for that this build cannot deliver; it fails the acceptance check."""

    what: str
    reason: str


class Plan(BaseModel):
    title: str | None = None  # the project's name as the request gives it ("Online bookshop")
    # The request's language (ISO 639-1): entity names are in it, and so are their plurals (URLs, pages).
    language: str = "en"
    archetype: Archetype
    confidence: float = Field(ge=0.0, le=1.0)
    has_ui: bool
    stack: Stack
    explicit: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    # Fields per entity (keys are names in ``entities``): what the request named plus what its features need.
    fields: dict[str, list[EntityField]] = Field(default_factory=dict)
    # Which entity each feature works on: main (what the project is about), priced, booking, thing, message, score;
    # with a priced entity, price_field and stock_field name the fields its checkout uses ("preis", "stock").
    roles: dict[str, str] = Field(default_factory=dict)
    # Features and technologies the request rules out ("no user accounts", "we do not want React").
    excluded: list[str] = Field(default_factory=list)
    acceptance: list[AcceptanceCriterion] = Field(default_factory=list)
    unmet: list[Unmet] = Field(default_factory=list)
    pages: list[str] = Field(default_factory=list)
    tasks: Tasks = Field(default_factory=Tasks)
    neighbours: list[Neighbour] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)


class ProjectRequest(BaseModel):
    """A stored request: one revision of one project."""

    project_id: str
    revision: int
    message: str
    submitted_at: datetime
    # None: the request sensor launches its run; "cli": the command that stored it builds it itself.
    launched_by: Literal["cli"] | None = None
