"""observability/grafana checked against Grafana's own schema, not by hand-written assertions on its fields.

Dashboards: the schema is grafana-foundation-sdk (Grafana Labs' SDK, pinned in the dev extra), whose models cog
generates from Grafana 11.4's CUE schemas, the version docker-compose runs. The SDK builds and decodes but does not
validate: its ``from_json`` drops unknown keys, keeps values of the wrong type and fills missing required fields with
defaults. So each SDK model is turned here, mechanically, into a strict pydantic model: the JSON keys are read off the
model's own ``to_json``, the types off its annotations; a field is required where the SDK's type is not Optional;
unknown keys and type coercion are refused. Panel options, field config and queries are checked against the models
that the SDK's plugin registry gives for the panel type and the query's datasource type (the dispatch that
``Dashboard.from_json`` does); a panel or query type that Grafana 11.4 does not ship is refused.

Provisioning files: the SDK has no model for them, so they are checked against pydantic models written here from
Grafana's documented provisioning format (https://grafana.com/docs/grafana/latest/administration/provisioning/).
"""

from __future__ import annotations

import copy
import enum
import json
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pydantic
import pytest
import yaml
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models import dashboard as sdk_dashboard

from .stack import OBSERVABILITY_DIR

GRAFANA_DIR = OBSERVABILITY_DIR / "grafana"
DASHBOARDS = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
SLO_DASHBOARD = GRAFANA_DIR / "dashboards" / "grokorc_slos.json"
DATASOURCE_FILES = sorted((GRAFANA_DIR / "provisioning" / "datasources").glob("*.y*ml"))
DASHBOARD_PROVIDER_FILES = sorted((GRAFANA_DIR / "provisioning" / "dashboards").glob("*.y*ml"))

# The SDK's registry of the panel plugins and query types of Grafana 11.4.
register_default_plugins()


# ------------------------------------------------------------------ strict validators from the SDK's models
_STRICT = pydantic.ConfigDict(extra="forbid", strict=True)
_MODELS: dict[str, type[pydantic.BaseModel]] = {}


def _is_sdk_model(hint: Any) -> bool:
    return (
        isinstance(hint, type)
        and not issubclass(hint, enum.Enum)
        and hint.__module__.startswith("grafana_foundation_sdk.models.")
        and hasattr(hint, "to_json")
    )


def _model_name(cls: type) -> str:
    return f"{cls.__module__.rsplit('.', 1)[1]}_{cls.__name__}"


def _json_fields(cls: type) -> dict[str, tuple[str, Any]]:
    """JSON key -> (attribute, type) of an SDK model, read off the model's own to_json()."""
    hints = typing.get_type_hints(cls)
    probe = object.__new__(cls)
    attribute_of: dict[int, str] = {}
    for attribute in hints:
        marker = object()
        setattr(probe, attribute, marker)
        attribute_of[id(marker)] = attribute
    fields = {}
    for key, value in probe.to_json().items():
        attribute = attribute_of[id(value)]
        fields[key] = (attribute, hints[attribute])
    return fields


def _pydantic_type(hint: Any, pending: list[type]) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is object or hint is Any:
        return Any  # free-form in Grafana's schema too (e.g. a panel's options, checked per plugin below)
    if hint is cogvariants.Dataquery:
        return dict[str, Any]  # checked against the query type's own model in validate_dashboard
    if _is_sdk_model(hint):
        pending.append(hint)
        return typing.ForwardRef(_model_name(hint))
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_pydantic_type(arg, pending) for arg in args)]  # noqa: UP007 (built at run time)
    if origin is list:
        return list[_pydantic_type(args[0], pending)]
    if origin is dict:
        return dict[args[0], _pydantic_type(args[1], pending)]
    return hint  # str, int, float, bool, Literal[...], the SDK's enums


def strict_model(cls: type) -> type[pydantic.BaseModel]:
    """The strict pydantic twin of an SDK model (and of every SDK model it refers to)."""
    if _model_name(cls) not in _MODELS:
        pending = [cls]
        while pending:
            current = pending.pop()
            if _model_name(current) in _MODELS:
                continue
            fields: dict[str, Any] = {}
            for key, (attribute, hint) in _json_fields(current).items():
                required = type(None) not in typing.get_args(hint)
                default = ... if required else None
                fields[attribute] = (_pydantic_type(hint, pending), pydantic.Field(default, alias=key))
            _MODELS[_model_name(current)] = pydantic.create_model(_model_name(current), __config__=_STRICT, **fields)
        for model in _MODELS.values():
            model.model_rebuild(_types_namespace=_MODELS)
    return _MODELS[_model_name(cls)]


def _check(sdk_model_of: Callable[..., Any], value: Any) -> None:
    """Validate value against the SDK model that a registry hook (a bound ``Model.from_json``) decodes into."""
    strict_model(sdk_model_of.__self__).model_validate_json(json.dumps(value))


def _panels(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in doc.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))  # the panels of a row
    return out


def validate_dashboard(doc: dict[str, Any]) -> sdk_dashboard.Dashboard:
    """Raise ValueError (pydantic's ValidationError is one) unless doc is a valid Grafana 11.4 dashboard;
    return it parsed into the SDK's Dashboard model."""
    strict_model(sdk_dashboard.Dashboard).model_validate_json(json.dumps(doc))
    for panel in _panels(doc):
        if panel["type"] == "row":
            continue
        plugin = cogruntime.panelcfg_config(panel["type"])
        if plugin is None:
            raise ValueError(f"panel {panel.get('title')!r}: unknown panel type {panel['type']!r}")
        if "options" in panel and plugin.options_from_json_hook is not None:
            _check(plugin.options_from_json_hook, panel["options"])
        custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom")
        if custom is not None and plugin.field_config_from_json_hook is not None:
            _check(plugin.field_config_from_json_hook, custom)
        for target in panel.get("targets", []):
            datasource_type = (target.get("datasource") or panel.get("datasource") or {}).get("type")
            query = cogruntime.Runtime().dataquery_variants.get(datasource_type)
            if query is None:
                raise ValueError(f"panel {panel.get('title')!r}: unknown query type {datasource_type!r}")
            _check(query.from_json_hook, target)
    return sdk_dashboard.Dashboard.from_json(doc)


# ---------------------------------------------------- provisioning: Grafana's documented format, as pydantic
class _Provisioning(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class DeleteDatasource(_Provisioning):
    name: str
    orgId: int = 1


class Datasource(_Provisioning):
    name: str
    type: str
    access: Literal["proxy", "direct"] = "proxy"
    orgId: int = 1
    # Grafana's short-uid rule: at most 40 of [a-zA-Z0-9-_]
    uid: str | None = pydantic.Field(None, max_length=40, pattern=r"^[a-zA-Z0-9_-]+$")
    url: str | None = None
    user: str | None = None
    database: str | None = None
    basicAuth: bool | None = None
    basicAuthUser: str | None = None
    withCredentials: bool | None = None
    isDefault: bool | None = None
    jsonData: dict[str, Any] | None = None
    secureJsonData: dict[str, str] | None = None
    version: int | None = None
    editable: bool | None = None


class DatasourcesFile(_Provisioning):
    apiVersion: Literal[1]
    deleteDatasources: list[DeleteDatasource] = []
    prune: bool | None = None
    datasources: list[Datasource] = []


class ProviderOptions(_Provisioning):
    path: str
    foldersFromFilesStructure: bool = False


class DashboardProvider(_Provisioning):
    name: str
    orgId: int = 1
    folder: str = ""
    folderUid: str = ""
    type: Literal["file"] = "file"
    disableDeletion: bool = False
    updateIntervalSeconds: int = 10
    allowUiUpdates: bool = False
    options: ProviderOptions


class DashboardProvidersFile(_Provisioning):
    apiVersion: Literal[1]
    providers: list[DashboardProvider]


def provisioned_datasources() -> list[Datasource]:
    out = []
    for f in DATASOURCE_FILES:
        out.extend(DatasourcesFile.model_validate(yaml.safe_load(f.read_text())).datasources)
    return out


def unprovisioned_datasource_refs(dashboard: sdk_dashboard.Dashboard, uids: set[str]) -> list[str]:
    """Panels and queries of the (SDK-parsed) dashboard whose datasource uid is missing or not provisioned."""
    bad = []
    for top in dashboard.panels or []:
        nested = top.panels if isinstance(top, sdk_dashboard.RowPanel) else []
        for panel in [top, *nested]:
            if isinstance(panel, sdk_dashboard.RowPanel):
                continue
            if panel.datasource is None or panel.datasource.uid not in uids:
                bad.append(f"panel {panel.title!r}: {panel.datasource and panel.datasource.to_json()}")
            for target in panel.targets or []:
                ref = getattr(target, "datasource", None)
                if ref is not None and ref.uid not in uids:
                    bad.append(f"panel {panel.title!r} query {getattr(target, 'ref_id', '?')}: {ref.to_json()}")
    return bad


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


# ---------------------------------------------------------------------------------------------- dashboards
def test_there_are_grafana_files_to_check() -> None:
    assert SLO_DASHBOARD in DASHBOARDS
    assert DATASOURCE_FILES and DASHBOARD_PROVIDER_FILES


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_matches_grafana_schema(path: Path) -> None:
    doc = load(path)
    dashboard = validate_dashboard(doc)
    assert isinstance(dashboard, sdk_dashboard.Dashboard)
    assert dashboard.uid == doc["uid"] and len(dashboard.panels or []) == len(doc["panels"])


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or, with value DELETE, removes) the key at a '/'-separated path."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


DELETE = object()
MUTATIONS = {
    "gridPos is a string": (_set("panels/0/gridPos", "0,0,12,8"), r"gridPos\s+Input should be an object"),
    "targets is not a list": (
        _set("panels/0/targets", {"refId": "A"}),
        r"targets\s+Input should be a valid (list|array)",
    ),
    "unknown panel type": (_set("panels/0/type", "graph-ng"), "unknown panel type 'graph-ng'"),
    "missing schemaVersion": (_set("schemaVersion", DELETE), r"schemaVersion\s+Field required"),
    "missing gridPos.h": (_set("panels/0/gridPos/h", DELETE), r"gridPos\.h\s+Field required"),
    "gridPos.w is a string": (_set("panels/0/gridPos/w", "12"), r"gridPos\.w\s+Input should be a valid integer"),
    "unknown panel key": (_set("panels/0/gridpos", {}), r"gridpos\s+Extra inputs are not permitted"),
    "panel title is a number": (_set("panels/0/title", 1), r"title\s+Input should be a valid string"),
    "bad legend displayMode": (_set("panels/0/options/legend/displayMode", "grid"), r"legend\.displayMode"),
    "missing tooltip.sort": (_set("panels/0/options/tooltip/sort", DELETE), r"tooltip\.sort\s+Field required"),
    "query expr is a list": (_set("panels/0/targets/0/expr", ["up"]), r"expr\s+Input should be a valid string"),
    "unknown query type": (_set("panels/0/targets/0/datasource/type", "influx"), "unknown query type 'influx'"),
    "threshold steps not a list": (
        _set("panels/0/fieldConfig/defaults/thresholds/steps", {"color": "red"}),
        r"steps\s+Input should be a valid (list|array)",
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_schema_rejects_a_broken_dashboard(mutation: str) -> None:
    mutate, error = MUTATIONS[mutation]
    doc = load(SLO_DASHBOARD)
    validate_dashboard(copy.deepcopy(doc))  # the unmutated copy passes, so the failure below is the mutation's
    mutate(doc)
    with pytest.raises(ValueError, match=error):
        validate_dashboard(doc)


# -------------------------------------------------------------------------------------------- provisioning
@pytest.mark.parametrize("path", DATASOURCE_FILES, ids=lambda p: p.name)
def test_datasource_provisioning_matches_grafana_format(path: Path) -> None:
    config = DatasourcesFile.model_validate(yaml.safe_load(path.read_text()))
    assert config.datasources, f"{path.name} provisions no datasource"
    for ds in config.datasources:
        # dashboards refer to datasources by uid, and a proxied datasource needs its url
        assert ds.uid and ds.url, f"{ds.name}: uid and url are needed"


def test_provisioned_datasources_are_unique_with_one_default() -> None:
    datasources = provisioned_datasources()
    names = [ds.name for ds in datasources]
    uids = [ds.uid for ds in datasources]
    assert len(set(names)) == len(names) and len(set(uids)) == len(uids)
    # Grafana refuses to start with two default datasources in one organisation
    assert sum(bool(ds.isDefault) for ds in datasources) == 1


@pytest.mark.parametrize("path", DASHBOARD_PROVIDER_FILES, ids=lambda p: p.name)
def test_dashboard_provisioning_matches_grafana_format(path: Path) -> None:
    config = DashboardProvidersFile.model_validate(yaml.safe_load(path.read_text()))
    names = [p.name for p in config.providers]
    assert names and len(set(names)) == len(names)
    assert all(p.options.path.startswith("/") for p in config.providers)


@pytest.mark.parametrize(
    ("model", "doc", "error"),
    [
        (DatasourcesFile, {"apiVersion": 1, "datasources": [{"name": "P", "url": "http://p:9090"}]}, "type"),
        (
            DatasourcesFile,
            {"apiVersion": 1, "datasources": [{"name": "P", "type": "prometheus", "access": "browser"}]},
            "access",
        ),
        (DatasourcesFile, {"apiVersion": 1, "datasources": [{"name": "P", "type": "prometheus", "uid": "a b"}]}, "uid"),
        (DatasourcesFile, {"apiVersion": 2, "datasources": []}, "apiVersion"),
        (DatasourcesFile, {"apiVersion": 1, "datasource": []}, "datasource"),
        (DashboardProvidersFile, {"apiVersion": 1, "providers": [{"name": "g", "options": {}}]}, "path"),
        (
            DashboardProvidersFile,
            {"apiVersion": 1, "providers": [{"name": "g", "type": "git", "options": {"path": "/d"}}]},
            "type",
        ),
        (
            DashboardProvidersFile,
            {"apiVersion": 1, "providers": [{"name": "g", "updateIntervalSeconds": "30", "options": {"path": "/d"}}]},
            "updateIntervalSeconds",
        ),
    ],
)
def test_provisioning_models_reject_malformed_files(model: type[pydantic.BaseModel], doc: dict, error: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=error):
        model.model_validate(doc)


# ------------------------------------------------------------------------------ dashboards x provisioning
@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_datasource_is_provisioned(path: Path) -> None:
    uids = {ds.uid for ds in provisioned_datasources() if ds.uid}
    dashboard = validate_dashboard(load(path))
    assert unprovisioned_datasource_refs(dashboard, uids) == []


def test_an_unprovisioned_datasource_uid_is_caught() -> None:
    uids = {ds.uid for ds in provisioned_datasources() if ds.uid}
    doc = load(SLO_DASHBOARD)
    doc["panels"][1]["targets"][0]["datasource"]["uid"] = "loki"
    doc["panels"][2]["datasource"]["uid"] = "prometheus-old"
    bad = unprovisioned_datasource_refs(validate_dashboard(doc), uids)
    assert len(bad) == 2 and "'loki'" in bad[0] and "'prometheus-old'" in bad[1], bad
