"""The real Definitions match the pipeline contract, and both match a pinned snapshot.

Changing the pipeline's shape (an asset, a dependency, a check, a severity, the partitions) is a
deliberate act: change ``grokorc_assets/contract.py``, the definitions, and regenerate the snapshot with
``GROKORC_UPDATE_SNAPSHOT=1 .venv/bin/pytest grokorc_tests/foundation_tests/test_contract_snapshot.py``.
"""

import json
import os
from pathlib import Path

from dagster import DynamicPartitionsDefinition

from grokorc_assets import contract

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def definitions_snapshot() -> dict:
    """The shape of the real Definitions, in plain JSON (severity is decided at run time: from the contract)."""
    from grokorc_assets.definitions import defs

    repo = defs.get_repository_def()
    graph = repo.asset_graph
    assets, partitions = {}, set()
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        assets[key.to_user_string()] = {"deps": sorted(p.to_user_string() for p in node.parent_keys),
                                        "group": node.group_name}
        partitions.add(_partitions(node.partitions_def))
    checks = {}
    for check_key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        spec = graph.get_check_spec(check_key)
        partitions.add(_partitions(spec.partitions_def))
        checks[check_key.name] = {
            "asset": check_key.asset_key.to_user_string(), "blocking": spec.blocking,
            "extra_inputs": sorted(d.asset_key.to_user_string() for d in spec.additional_deps),
            "severity": contract.CHECKS[contract.CheckName(check_key.name)].severity,
        }
    jobs = sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__"))
    return {"jobs": jobs, "partitions": sorted(partitions), "assets": assets, "checks": checks}


def _partitions(definition) -> str:
    assert isinstance(definition, DynamicPartitionsDefinition), definition
    return definition.name


def contract_snapshot() -> dict:
    return {
        "assets": {str(a): sorted(str(d) for d in contract.ASSET_DEPS[a]) for a in contract.GRAPH_ORDER},
        "checks": {str(c.name): {"asset": str(c.asset), "blocking": c.blocking, "severity": c.severity,
                                 "extra_inputs": sorted(str(a) for a in c.extra_inputs)}
                   for c in contract.CHECKS.values()},
        "jobs": [contract.JOB_NAME],
        "partitions": [contract.PARTITIONS_NAME],
    }


def test_definitions_match_the_contract():
    real, declared = definitions_snapshot(), contract_snapshot()
    assert {name: a["deps"] for name, a in real["assets"].items()} == declared["assets"]
    assert real["checks"] == declared["checks"]
    assert real["jobs"] == declared["jobs"] and real["partitions"] == declared["partitions"]


def test_definitions_match_the_pinned_snapshot():
    real = definitions_snapshot()
    if os.environ.get("GROKORC_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(real, indent=2, sort_keys=True) + "\n")
    assert real == json.loads(SNAPSHOT.read_text()), "regenerate the snapshot if the change is intended"


def test_graph_order_is_topological_and_every_asset_has_metadata_and_value_models():
    seen: set[contract.AssetName] = set()
    for asset in contract.GRAPH_ORDER:
        assert contract.ASSET_DEPS[asset] <= seen, asset
        seen.add(asset)
    assert set(contract.ASSET_METADATA) == set(contract.ASSET_VALUES) == set(contract.AssetName)


def test_metadata_read_keeps_what_validates():
    stored = {"archetype": "crud", "confidence": float("nan"), "model": "m", "input_tokens": "12", "x": 1}
    plan = contract.PlanMetadata.read(stored)
    assert (plan.archetype, plan.confidence, plan.model, plan.input_tokens) == ("crud", None, "m", 12)
