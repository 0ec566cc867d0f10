"""The pipeline's vocabulary, in one place: asset and check names, each check's asset, severity and
blocking flag, the graph's dependencies, run tags, the job and partition set, and one typed model per
asset's metadata (what the Dagster UI shows and the metrics sensor reads) and per asset's value (what
the JSON IO manager stores and the next asset reads).

The assets, checks, job and sensors emit through it; the CLI, report, run results, metrics fold,
telemetry and tests read through it. ``definitions_tests/test_contract_snapshot.py`` asserts that the
real ``Definitions`` match it. No Dagster import here: plain Python code and the tests of the metrics
fold use it without loading Dagster.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

JOB_NAME = "build_project"
PARTITIONS_NAME = "projects"


class Tag(StrEnum):
    """Run tags grokorc sets and reads."""

    REVISION = "grokorc/revision"  # which stored revision of the project a run builds
    BUILD = "grokorc/build"  # a run started by `grokorc build` (the CLI waits for it)
    PARTITION = "dagster/partition"  # Dagster's own; the queue limits runs per project by it


def revision_of(tags: Mapping[str, str]) -> int | None:
    """The revision a run builds, from its tags; None for a run without one (the latest is built)."""
    value = str(tags.get(Tag.REVISION, "")).strip()
    return int(value) if value.isdigit() else None


class AssetName(StrEnum):
    """The assets, in a topological order of the graph (the order tables and reports use)."""

    PROJECT_REQUEST = "project_request"
    PLAN = "plan"
    FRONTEND = "frontend"
    BACKEND = "backend"
    DEVOPS = "devops"
    UI = "ui"
    VISUAL_TEST = "visual_test"
    CONFLICTS = "conflicts"
    COVERAGE = "coverage"
    DELIVERY = "delivery"


GRAPH_ORDER: tuple[AssetName, ...] = tuple(AssetName)

A = AssetName
# Each asset's upstream assets (its inputs). `conflicts` does not wait for `visual_test`: the browser and
# the mediation run side by side.
ASSET_DEPS: dict[AssetName, frozenset[AssetName]] = {
    A.PROJECT_REQUEST: frozenset(),
    A.PLAN: frozenset({A.PROJECT_REQUEST}),
    A.FRONTEND: frozenset({A.PLAN}),
    A.BACKEND: frozenset({A.PLAN}),
    A.DEVOPS: frozenset({A.PLAN}),
    A.UI: frozenset({A.PLAN, A.FRONTEND, A.BACKEND, A.DEVOPS}),
    A.VISUAL_TEST: frozenset({A.PLAN, A.UI, A.BACKEND}),
    A.CONFLICTS: frozenset({A.FRONTEND, A.BACKEND, A.DEVOPS, A.UI}),
    A.COVERAGE: frozenset({A.CONFLICTS, A.BACKEND}),
    A.DELIVERY: frozenset({A.COVERAGE, A.VISUAL_TEST, A.CONFLICTS}),
}
# Assets that may call an LLM: their metadata carries usage (model, tokens, cost).
LLM_ASSETS: frozenset[AssetName] = frozenset({A.PLAN, A.FRONTEND, A.BACKEND, A.DEVOPS, A.UI, A.CONFLICTS})
# What the cost SLO sums besides its own asset (`conflicts`, whose mediation may spend too).
SPENDING_ASSETS: tuple[AssetName, ...] = (A.PLAN, A.FRONTEND, A.BACKEND, A.DEVOPS, A.UI)


class CheckName(StrEnum):
    CONFIDENCE_SLO = "confidence_slo"
    COST_SLO = "cost_slo"
    COVERAGE_SLO = "coverage_slo"
    LATENCY_SLO = "latency_slo"
    ACCEPTANCE = "acceptance"
    VISUAL_REGRESSION = "visual_regression"
    ACCESSIBILITY = "accessibility"


Severity = Literal["ERROR", "WARN"]


@dataclass(frozen=True)
class CheckContract:
    """Where a check sits and what its failure does. Every check is blocking so that everything
    downstream waits for its verdict; a failed WARN check still lets the run go on, an ERROR one stops it."""

    name: CheckName
    asset: AssetName
    severity: Severity
    extra_inputs: tuple[AssetName, ...] = ()
    blocking: bool = True


C = CheckName
CHECKS: dict[CheckName, CheckContract] = {
    c.name: c
    for c in (
        CheckContract(C.CONFIDENCE_SLO, A.PLAN, "WARN"),
        CheckContract(C.COST_SLO, A.CONFLICTS, "ERROR", extra_inputs=SPENDING_ASSETS),
        CheckContract(C.COVERAGE_SLO, A.COVERAGE, "ERROR"),
        CheckContract(C.LATENCY_SLO, A.COVERAGE, "WARN"),
        CheckContract(C.ACCEPTANCE, A.COVERAGE, "ERROR", extra_inputs=(A.PLAN, A.VISUAL_TEST)),
        CheckContract(C.VISUAL_REGRESSION, A.VISUAL_TEST, "WARN"),
        CheckContract(C.ACCESSIBILITY, A.VISUAL_TEST, "ERROR"),
    )
}
# The four SLOs of the final result, by the key the result uses.
SLO_CHECKS: dict[str, CheckName] = {
    "cost": C.COST_SLO, "latency": C.LATENCY_SLO, "coverage": C.COVERAGE_SLO, "confidence": C.CONFIDENCE_SLO,
}


# ------------------------------------------------------------------------------------------------ metadata
class Presentation(StrEnum):
    """How the Dagster layer shows a metadata field (``assets/metadata.py`` maps these to MetadataValue)."""

    MARKDOWN = "md"
    JSON = "json"
    PATH = "path"


Markdown = Annotated[str, Presentation.MARKDOWN]
Json = Annotated[Any, Presentation.JSON]
PathText = Annotated[str, Presentation.PATH]


class Metadata(BaseModel):
    """Base of every metadata model: the fields an asset or check reports, typed.

    ``read`` is the consumer's side: it takes metadata as stored (plain values, possibly from an older
    version of grokorc) and keeps what validates, so one odd field cannot hide the others."""

    # A NaN or infinite number in stored metadata is dropped by ``read``, never folded into a metric.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    @classmethod
    def presentation(cls, field: str) -> Presentation | None:
        """How ``field`` is shown (Markdown, JSON, a path) or None for a plain value."""
        return _presentation(cls.model_fields[field].annotation, cls.model_fields[field].metadata)

    def shown(self) -> dict[str, tuple[Any, Presentation | None]]:
        """Every field set (None-valued optional fields left out) with how to show it."""
        out = {}
        for name, value in self:
            if value is None and not type(self).model_fields[name].is_required():
                continue
            out[name] = (value, self.presentation(name) if name in type(self).model_fields else None)
        return out

    @classmethod
    def read(cls, raw: dict[str, Any]):
        data = dict(raw)
        for _ in range(len(data) + 1):
            try:
                return cls.model_validate(data)
            except ValidationError as error:
                bad = {e["loc"][0] for e in error.errors() if e["loc"]}
                if not bad & data.keys():
                    raise
                for key in bad:
                    data.pop(key, None)
        raise AssertionError("unreachable")  # pragma: no cover


def _presentation(annotation: Any, metadata: list[Any]) -> Presentation | None:
    for item in metadata:
        if isinstance(item, Presentation):
            return item
    for arg in get_args(annotation):  # Markdown | None: look inside the union and the Annotated
        found = _presentation(arg, list(getattr(arg, "__metadata__", ())))
        if found is not None:
            return found
    return None


class UsageMetadata(Metadata):
    """LLM accounting of an asset (the cost SLO and the token/cost metrics sum these)."""

    tokens: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""
    tokens_estimated: bool = False


class ProjectRequestMetadata(Metadata):
    revision: int
    submitted_at: str
    characters: int
    message: Markdown
    workspace: PathText


class PlanMetadata(UsageMetadata):
    archetype: str = ""
    confidence: float | None = None
    has_ui: bool = True
    stack: Markdown = ""
    explicit: str = ""
    neighbours: Markdown = ""
    pages: str = ""
    entities: Markdown = ""
    features: str = ""
    excluded: str = ""
    # Named languages the generator does not write ("Rust"): built in Python or JavaScript instead.
    not_built: str = ""
    acceptance_criteria: Markdown = ""
    unmet: Markdown = ""
    replayed: bool = False


class GenerationMetadata(UsageMetadata):
    """`frontend`, `backend` and `devops`."""

    applicable: bool = True
    files: int = 0
    bytes: int = 0
    file_tree: Markdown = ""
    recommended: Json = None
    generated: Json = None
    substitutions: Markdown = ""
    endpoints: int = 0
    root: PathText = ""
    repairs: int = 0
    unresolved: Markdown = ""


class UiMetadata(UsageMetadata):
    applicable: bool = True
    reason: str = ""
    components_generated: int = 0
    pages: Markdown = ""


class VisualTestMetadata(Metadata):
    applicable: bool = True
    degraded: bool = False
    reason: str = ""
    shots: int = 0
    passed: int = 0
    failed: int = 0
    new: int = 0
    broken_pages: int = 0
    max_diff_ratio: float = 0.0
    diff_ratios: Json = Field(default_factory=list)  # of the shots compared with a baseline
    a11y: Json = Field(default_factory=dict)
    results: Markdown = ""
    broken: Markdown = ""
    acceptance_passed: int = 0
    acceptance_failed: int = 0
    acceptance: Markdown = ""
    first_shot: PathText | None = None
    thumbnail: Markdown | None = None


class ConflictsMetadata(UsageMetadata):
    conflicts_detected: int = 0
    conflicts_resolved: int = 0
    by_kind: Json = Field(default_factory=dict)
    similarities: Json = Field(default_factory=list)
    conflicts: Markdown = ""
    project_dir: PathText = ""
    mediation_diff: PathText | None = None


class CoverageMetadata(Metadata):
    coverage_percent: float | None = None
    branch_percent: float = 0.0
    tests_passed: int = 0
    tests_failed: int = 0
    tests_errored: int = 0
    duration_seconds: float = 0.0
    sandbox: str = ""
    timed_out: bool = False
    files: Markdown = ""
    failures: Markdown = ""
    junit_xml: PathText = ""
    html_report: PathText = ""


class DeliveryMetadata(Metadata):
    status: str
    compliant: bool
    slos: Markdown
    archive: PathText
    archive_bytes: int
    report: PathText


class CheckMetadata(Metadata):
    """What every check reports: the measured value, the threshold it was held to, and the verdict.
    Checks add their own fields (``extra="allow"``): tables and what the value was computed from."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)

    value: Any = None
    threshold: Any = None
    breach: bool | None = None  # None: not evaluated (only a reader of incomplete metadata sees it)


class SloMetadata(CheckMetadata):
    """An SLO verdict: value, threshold, breach, and what the value was computed from."""

    computed_from: Json = None


class CostMetadata(SloMetadata):
    tokens: int | None = None
    per_asset: Markdown = ""


class AcceptanceMetadata(CheckMetadata):
    failed: int = 0
    unmet: int = 0
    criteria: Markdown = ""
    computed_from: Json = None


CHECK_METADATA: dict[CheckName, type[CheckMetadata]] = {
    C.CONFIDENCE_SLO: SloMetadata, C.COST_SLO: CostMetadata, C.COVERAGE_SLO: SloMetadata,
    C.LATENCY_SLO: SloMetadata, C.ACCEPTANCE: AcceptanceMetadata, C.VISUAL_REGRESSION: CheckMetadata,
    C.ACCESSIBILITY: CheckMetadata,
}

ASSET_METADATA: dict[AssetName, type[Metadata]] = {
    A.PROJECT_REQUEST: ProjectRequestMetadata,
    A.PLAN: PlanMetadata,
    A.FRONTEND: GenerationMetadata,
    A.BACKEND: GenerationMetadata,
    A.DEVOPS: GenerationMetadata,
    A.UI: UiMetadata,
    A.VISUAL_TEST: VisualTestMetadata,
    A.CONFLICTS: ConflictsMetadata,
    A.COVERAGE: CoverageMetadata,
    A.DELIVERY: DeliveryMetadata,
}


# -------------------------------------------------------------------------------------------------- values
class Value(BaseModel):
    """An asset value as the IO manager stores it. The domain model it wraps is named by ``domain``
    (imported on demand, so reading the contract does not import every domain package)."""

    model_config = ConfigDict(extra="allow")
    domain: ClassVar[str | None] = None

    @classmethod
    def validate_value(cls, value: dict) -> BaseModel:
        """The value as its domain model when it has one, else as this model."""
        if cls.domain:
            module, _, name = cls.domain.partition(":")
            return getattr(importlib.import_module(module), name).model_validate(value)
        return cls.model_validate(value)


class ProjectRequestValue(Value):
    project_id: str
    revision: int
    message: str
    submitted_at: str
    workspace: str


class PlanValue(Value):
    domain = "grokorc_assets.models:Plan"


class GenerationValue(Value):
    domain = "grokorc_assets.generation.models:GenerationResult"


class UiValue(Value):
    domain = "grokorc_assets.generation.models:UiResult"


class VisualTestValue(Value):
    """The visual report plus the browser acceptance probes and the revision its baselines belong to."""

    applicable: bool = True
    degraded: bool = False
    shots: list[dict] = Field(default_factory=list)
    broken_shots: list[dict] = Field(default_factory=list)
    acceptance: list[dict] = Field(default_factory=list)
    revision: int | None = None


class ConflictsValue(Value):
    conflicts_detected: int
    conflicts_resolved: int
    items: list[dict]
    project_dir: str
    usage: dict


class CoverageValue(Value):
    value: float
    tests_passed: int
    tests_failed: int
    files: list[dict]
    failures: list[dict]
    passed_tests: list[str]


class DeliveryValue(Value):
    status: Literal["success", "blocked", "failed"]
    archive: str
    report: str


ASSET_VALUES: dict[AssetName, type[Value]] = {
    A.PROJECT_REQUEST: ProjectRequestValue,
    A.PLAN: PlanValue,
    A.FRONTEND: GenerationValue,
    A.BACKEND: GenerationValue,
    A.DEVOPS: GenerationValue,
    A.UI: UiValue,
    A.VISUAL_TEST: VisualTestValue,
    A.CONFLICTS: ConflictsValue,
    A.COVERAGE: CoverageValue,
    A.DELIVERY: DeliveryValue,
}
