"""grokorc's Dagster definitions: merges the small modules that hold assets, checks and sensors."""

import warnings

from dagster import Definitions, EnvVar, PreviewWarning

# Partitioned asset checks are "preview" in Dagster 1.13; we rely on them knowingly
# (docs/design.md "Verified facts about the dependencies").
warnings.filterwarnings("ignore", category=PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")

from grokorc_assets.assets.conflicts import conflicts
from grokorc_assets.assets.coverage import coverage
from grokorc_assets.assets.delivery import delivery
from grokorc_assets.assets.generation import backend, devops, frontend
from grokorc_assets.assets.plan import plan
from grokorc_assets.assets.project_request import project_request
from grokorc_assets.assets.ui import ui
from grokorc_assets.assets.visual_test import visual_test
from grokorc_assets.checks.acceptance_check import acceptance_checks
from grokorc_assets.checks.slo_checks import slo_checks
from grokorc_assets.checks.visual_checks import visual_checks
from grokorc_assets.jobs import build_project_job
from grokorc_assets.resources import GrokorcState, JsonIOManager, LLMResource
from grokorc_assets.sensors.project_request_sensor import project_request_sensor
from grokorc_assets.sensors.slo_metrics_sensor import slo_metrics_sensor

defs = Definitions(
    assets=[project_request, plan, frontend, backend, devops, ui, visual_test, conflicts, coverage, delivery],
    asset_checks=[*slo_checks, *acceptance_checks, *visual_checks],
    jobs=[build_project_job],
    sensors=[project_request_sensor, slo_metrics_sensor],
    # Every setting is a dagster.EnvVar: resolved in the process that runs a step or a sensor (never
    # when this module is imported) and shown by name, not value, in the UI. Empty means grokorc's
    # default; who sets these variables is in grokorc_assets/resources/env.py.
    resources={
        "grokorc": GrokorcState(home=EnvVar("GROKORC_HOME"), database_url=EnvVar("GROKORC_DATABASE_URL")),
        "io_manager": JsonIOManager(home=EnvVar("GROKORC_HOME")),
        "llm": LLMResource(
            provider=EnvVar("GROKORC_LLM_PROVIDER"),
            base_url=EnvVar("GROKORC_LLM_BASE_URL"),
            api_key=EnvVar("GROKORC_LLM_API_KEY"),
            model=EnvVar("GROKORC_LLM_MODEL"),
            record_mode=EnvVar("GROKORC_LLM_RECORD_MODE"),
            embeddings_model=EnvVar("GROKORC_EMBEDDINGS_MODEL"),
        ),
    },
)


def build_project():
    """The resolved build job, importable by name so run workers can reconstruct it."""
    return defs.resolve_job_def(build_project_job.name)
