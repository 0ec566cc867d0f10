"""Typed results of the offline generators (frontend, backend, devops) and of UI inference.

These are what the ``frontend``/``backend``/``devops``/``ui`` assets store and what later stages
(conflicts, coverage, delivery) read back; ``Stack`` and ``Usage`` come from the shared models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from grokorc_assets.models import FieldType, Stack, Usage

AgentName = Literal["frontend", "backend", "devops", "ui"]
HttpMethod = Literal["GET", "POST", "PUT", "DELETE"]
ComponentType = Literal[
    "navigation", "data_table", "form", "kpi_card", "chart", "empty_state", "error_state",
    "loading_state", "success_state", "hero", "page_list", "feature_list", "api_table", "content_section",
    "contact_form", "game", "chat", "cart", "comments", "attachments", "notifications", "auth", "board",
]


class GeneratedFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str  # relative to the generated project root, POSIX separators
    bytes: int
    sha256: str


class Substitution(BaseModel):
    """Why the generated technology differs from the recommended one."""

    layer: Literal["frontend", "backend", "database", "devops"]
    recommended: str
    generated: str
    reason: str


class FieldSpec(BaseModel):
    name: str  # a safe Python/JS identifier
    label: str  # human text (escaped wherever it is rendered)
    type: FieldType
    required: bool
    example: Any  # a valid value, used by generated tests and forms
    invalid: Any  # a value the API must reject with 422
    choices: list[str] | None = None  # the only values it takes ("open", "in progress", "done"), if listed


class ResourceSpec(BaseModel):
    """One plan entity after sanitising: every name here is a safe identifier."""

    name: str  # lower snake singular: "order_item"
    plural: str  # lower snake plural: "order_items" (also the URL segment)
    label: str  # the entity as the request spelled it, for display only
    class_name: str  # CamelCase: "OrderItem"
    js_name: str  # CamelCase plural used in api.js function names: "OrderItems"
    fields: list[FieldSpec]
    entity: str = ""  # the plan's entity name it was built from (roles and criteria refer to it)
    # field -> the plural of the resource whose record it names ("book_id" -> "books"): the API refuses an
    # id no record has, and a record others still name is not deleted
    references: dict[str, str] = Field(default_factory=dict)


class Endpoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    method: HttpMethod
    path: str  # FastAPI style: "/api/orders/{item_id}"
    operation: str  # "orders.list", "orders.get", "orders.create", "orders.update", "orders.delete", "health"
    js_function: str  # the api.js function that calls it
    resource: str | None = None


class GenerationResult(BaseModel):
    agent: Literal["frontend", "backend", "devops"]
    applicable: bool = True
    reason: str | None = None
    root: str  # the agent's staging tree: <workspace>/agents/<agent>
    files: list[GeneratedFile] = Field(default_factory=list)
    recommended: Stack
    generated: Stack
    substitutions: list[Substitution] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    resources: list[ResourceSpec] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)  # env var -> default, as the backend reads them
    port: int | None = None
    test_command: list[str] | None = None  # argv (after the interpreter) for the project's own tests
    test_cwd: str | None = None  # relative to the project root
    usage: Usage = Field(default_factory=Usage)
    repairs: list[dict[str, Any]] = Field(default_factory=list)  # LLM path: test-driven repair rounds
    unresolved: list[str] = Field(default_factory=list)  # problems the last round still had


class Binding(BaseModel):
    method: HttpMethod
    path: str
    operation: str


class UiNode(BaseModel):
    type: ComponentType
    props: dict[str, Any] = Field(default_factory=dict)
    binding: Binding | None = None
    children: list[UiNode] = Field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


class UiPage(BaseModel):
    name: str  # as the plan spelled it (display only)
    slug: str  # safe file stem
    path: str  # relative to the project root: frontend/pages/<slug>.html
    components: list[UiNode]


class UiResult(BaseModel):
    agent: Literal["ui"] = "ui"
    applicable: bool
    reason: str | None = None
    root: str | None = None
    pages: list[UiPage] = Field(default_factory=list)
    components_generated: int = 0
    files: list[GeneratedFile] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
