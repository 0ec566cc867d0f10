"""grokorc's Dagster definitions: merges the small modules that hold assets, checks and sensors."""

from dagster import Definitions

from grokorc_assets.assets.generation import backend, devops, frontend
from grokorc_assets.assets.plan import plan
from grokorc_assets.assets.project_request import project_request
from grokorc_assets.assets.ui import ui
from grokorc_assets.jobs import build_project_job
from grokorc_assets.resources import GrokorcState, JsonIOManager
from grokorc_assets.sensors.project_request_sensor import project_request_sensor
from grokorc_assets.settings import Settings

defs = Definitions(
    assets=[project_request, plan, frontend, backend, devops, ui],
    jobs=[build_project_job],
    sensors=[project_request_sensor],
    resources={
        "grokorc": GrokorcState(),
        "io_manager": JsonIOManager(base_dir=str(Settings.from_env().home / "assets")),
    },
)


def build_project():
    """The resolved build job, importable by name so run workers can reconstruct it."""
    return defs.resolve_job_def(build_project_job.name)
