"""Typed view of the YAML lexicons (aliases.yaml, lexicons.yaml), compiled for matching."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.models import ARCHETYPES, STACK_LAYERS
from grokorc_assets.planning.text import phrase_key

Key = tuple[str, ...]


class TechEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    layer: str
    phrases: list[str] = Field(default_factory=list)
    ambiguous: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)
    lower_with_cue: bool = False
    capitalised_alone: bool = False
    stop_next: list[str] = Field(default_factory=list)


class TechContext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role_next: list[str]
    role_window: list[str]
    role_window_size: int
    cue_prev: list[str]
    connectors: list[str]
    stack_sentence: list[str]
    # Technologies outside the plan contract ("Tailwind", "Socket.io"): never in a plan, but a name listed
    # next to one is a technology too ("React + Tailwind", "Node + Socket.io + Redis").
    other_technologies: list[str] = Field(default_factory=list)
    # Languages a request can ask its project to be written in that the generator does not write (word ->
    # the name to show): the plan says so instead of building Python or JavaScript in silence.
    unbuilt: dict[str, str] = Field(default_factory=dict)


class Aliases(BaseModel):
    model_config = ConfigDict(extra="forbid")

    technologies: dict[str, TechEntry]
    context: TechContext

    @model_validator(mode="after")
    def _canonical(self) -> Aliases:
        for name, entry in self.technologies.items():
            if name not in STACK_LAYERS.get(entry.layer, ()):
                raise ValueError(f"alias {name!r} is not a canonical {entry.layer} name")
        return self


class ConfidenceWeights(BaseModel):
    vague_cap: float  # the most a request with no domain word, feature or entity can score
    agreement_margin: float  # lexicon evidence lead (saturated units) that counts as clear agreement
    agreement_doubt: float  # what is left of the model's doubt when lexicon and model clearly agree
    head_words: int  # opening words read for that agreement ("Sales analytics dashboard with ...")
    kind_floor: float  # the least a pick the request's kind names ("Member management ...") scores
    cap: float


class VoteWeights(BaseModel):
    neighbours_k: int  # catalogue neighbours asked for: they complete the stack
    neighbour_share: float  # weight of the neighbours' archetypes against the model's probabilities
    vague_neighbour_share: float  # the same for a request naming no domain word, feature or technology
    # A request that describes its records but whose kind the model cannot tell (its pick below
    # ``unsure_below``) gets ``unsure_archetype``, the shape that holds records and nothing else.
    unsure_below: float = 0.0
    unsure_archetype: str = "crud"


class FeatureArchetype(BaseModel):
    """An archetype built around one feature (lexicons.yaml ``feature_archetypes``)."""

    feature: str
    homonyms: list[str] = []  # its lexicon's words that also name a thing ("book")


class Lexicons(BaseModel):
    model_config = ConfigDict(extra="forbid")

    archetypes: dict[str, dict[int, list[str]]]
    no_ui_archetypes: list[str]
    no_ui_phrases: list[str]
    ui_phrases: list[str]
    features: dict[str, list[str]]
    confidence: ConfidenceWeights
    vote: VoteWeights
    main_page_archetypes: list[str]
    title_skip: list[str]
    title_stop: list[str]
    title_and: list[str]
    title_purpose: list[str]
    title_generic: list[str]
    title_generic_kind: list[str] = []
    shown_on_main_page: list[str]
    feature_roles: dict[str, list[str]]
    tasks: dict[str, dict[str, str]]
    llm_prompt: str
    avoid_with: dict[str, list[str]]
    core_features: dict[str, list[str]]
    recordless_archetypes: list[str] = []
    terminal_archetypes: list[str] = []
    feature_archetypes: dict[str, FeatureArchetype] = {}
    web_words: list[str] = []
    web_tool_words: list[str] = []
    web_only_features: list[str] = []

    @model_validator(mode="after")
    def _all_archetypes(self) -> Lexicons:
        if sorted(self.archetypes) != sorted(ARCHETYPES):
            raise ValueError("lexicons.yaml must list every archetype")
        return self

    @model_validator(mode="after")
    def _feature_vocabulary(self) -> Lexicons:
        # plan.features may only hold keys of the feature table (grokorc_assets/data/features.yaml).
        from grokorc_assets.planning.acceptance import feature_table

        known = set(feature_table())
        used = {*self.features, *self.feature_roles, *(f for fs in self.core_features.values() for f in fs)}
        if used - known:
            raise ValueError(f"lexicons.yaml names features the feature table lacks: {sorted(used - known)}")
        return self


def compile_terms(entries: list[str]) -> list[tuple[Key, bool]]:
    """Lexicon strings -> (token key, exact?) pairs; "=word" means match the raw token."""
    out = []
    for entry in entries:
        exact = entry.startswith("=")
        key = phrase_key(entry.lstrip("="), exact=exact)
        if key:
            out.append((key, exact))
    return out


def _read(name: str) -> dict:
    return load_yaml("grokorc_assets.planning", f"data/{name}")


@lru_cache(maxsize=1)
def load_aliases() -> Aliases:
    return Aliases.model_validate(_read("aliases.yaml"))


@lru_cache(maxsize=1)
def load_lexicons() -> Lexicons:
    return Lexicons.model_validate(_read("lexicons.yaml"))
