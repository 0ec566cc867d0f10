"""grokorc's Dagster definitions: merges the small modules that hold assets, checks and sensors."""

import warnings

from dagster import Definitions, PreviewWarning

# Partitioned asset checks are "preview" in Dagster 1.13; we rely on them knowingly (DESIGN.md).
warnings.filterwarnings("ignore", category=PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")

from grokorc_assets.assets.conflicts import conflicts
from grokorc_assets.assets.coverage import coverage
from grokorc_assets.assets.delivery import delivery
from grokorc_assets.assets.generation import backend, devops, frontend
from grokorc_assets.assets.plan import plan
from grokorc_assets.assets.project_request import project_request
from grokorc_assets.assets.ui import ui
from grokorc_assets.assets.visual_test import visual_checks, visual_test
from grokorc_assets.checks.acceptance_check import acceptance_checks
from grokorc_assets.checks.slo_checks import slo_checks
from grokorc_assets.jobs import build_project_job
from grokorc_assets.resources import GrokorcState, JsonIOManager
from grokorc_assets.sensors.project_request_sensor import project_request_sensor
from grokorc_assets.sensors.slo_metrics_sensor import slo_metrics_sensor
from grokorc_assets.settings import Settings

defs = Definitions(
    assets=[project_request, plan, frontend, backend, devops, ui, visual_test, conflicts, coverage, delivery],
    asset_checks=[*slo_checks, *acceptance_checks, *visual_checks],
    jobs=[build_project_job],
    sensors=[project_request_sensor, slo_metrics_sensor],
    resources={
        "grokorc": GrokorcState(),
        "io_manager": JsonIOManager(base_dir=str(Settings.from_env().home / "assets")),
    },
)


def build_project():
    """The resolved build job, importable by name so run workers can reconstruct it."""
    return defs.resolve_job_def(build_project_job.name)
