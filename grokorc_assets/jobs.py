"""The one job: materialise a project's whole asset graph (checks included) for one partition."""

from dagster import AssetSelection, define_asset_job, multiprocess_executor

from grokorc_assets.contract import JOB_NAME
from grokorc_assets.partitions import projects_partitions

build_project_job = define_asset_job(
    name=JOB_NAME,
    selection=AssetSelection.all(),
    partitions_def=projects_partitions,
    # forkserver with the definitions preloaded: a step process forks from a warm interpreter instead
    # of importing Dagster afresh (seconds per step on these machines).
    executor_def=multiprocess_executor.configured(
        {
            # 4: the three agents (frontend, backend, devops) never wait for each other.
            "max_concurrent": 4,
            "start_method": {"forkserver": {"preload_modules": ["grokorc_assets.forkserver_preload"]}},
        }
    ),
    description="Build one project revision end to end.",
)
