"""Declaring a check from its contract: the asset it sits on, its extra inputs, blocking flag and
partitions come from ``contract.CHECKS``, so a check's code only says what it computes."""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetIn, asset_check

from grokorc_assets.assets.metadata import dagster_metadata
from grokorc_assets.assets.retries import TRANSIENT_FAILURES
from grokorc_assets.contract import CHECKS, CheckMetadata, CheckName
from grokorc_assets.partitions import projects_partitions


def grokorc_check(name: CheckName, description: str):
    spec = CHECKS[name]
    return asset_check(
        asset=spec.asset.value, name=name.value, blocking=spec.blocking, partitions_def=projects_partitions,
        additional_ins={str(a): AssetIn(str(a)) for a in spec.extra_inputs}, description=description,
        # A check's step writes its verdict to Postgres like any step: a restart under it is transient.
        retry_policy=TRANSIENT_FAILURES,
    )


def check_result(name: CheckName, passed: bool, metadata: CheckMetadata) -> AssetCheckResult:
    """The verdict with the contract's severity and the metadata as Dagster shows it."""
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity(CHECKS[name].severity),
                            metadata=dagster_metadata(metadata))
