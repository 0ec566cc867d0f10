"""How grokorc's resources take their settings from the environment, the Dagster way.

definitions.py sets each resource field from a ``dagster.EnvVar``: the UI shows the variable's name
(never its value) and Dagster resolves it in the process that runs the step or sensor, not when the
definitions are imported. Dagster fails a resource whose EnvVar names an *unset* variable, so each of
``settings.RESOURCE_ENV_VARS`` is set wherever grokorc's Dagster code runs, and an *empty* value means
"unset" to grokorc (its default: ./.grokorc, the embedded Postgres, the offline LLM). They are set by
``grokorc`` itself (``instance.prepare_dagster_env``), by the repository's dagster.yaml for plain
``dagster dev`` (its secrets loader, ``instance_plugins.DeclareResourceEnv``) and by docker-compose.yml
(deploy/dagster.yaml forwards each of them to run containers).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import ConfigurableResource


def overlay(resource: ConfigurableResource, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment with the resource's configured fields in place of their variables.

    The resource class maps field names to variables in ``ENV_VARS``. A field left ``None`` (a resource
    built by hand, e.g. ``GrokorcState()``) keeps the process's value; variables the resource has no
    field for (retry tuning, SLO thresholds) come from the process too, as they always did.
    """
    env = dict(os.environ if environ is None else environ)
    for field, var in type(resource).ENV_VARS.items():  # type: ignore[attr-defined]
        value = getattr(resource, field)
        if value is not None:
            env[var] = value
    return env
