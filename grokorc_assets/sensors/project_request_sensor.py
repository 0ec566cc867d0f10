"""`project_request_sensor`: each newly stored request revision becomes a partition and one run.

The cursor is the id of the last request seen. The run key names the revision, so even a tick that
is retried after its cursor update was lost cannot launch a second run for the same revision.
A revision that `grokorc build` (or `demo`) builds in its own process is stored with
``launched_by="cli"``: it gets its partition here, but no run (one run per revision, whoever starts it).
"""


from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from grokorc_assets.contract import Tag
from grokorc_assets.jobs import build_project_job, execution_run_config
from grokorc_assets.partitions import projects_partitions
from grokorc_assets.resources import GrokorcState


def run_key(project_id: str, revision: int) -> str:
    return f"{project_id}:r{revision}"


@sensor(
    job=build_project_job,
    # As often as Dagster allows: its sensor daemon evaluates sensors at most every 5 s whatever this says, so
    # a submitted request waits 0-5 s for its run (one indexed query a tick).
    minimum_interval_seconds=2,
    default_status=DefaultSensorStatus.RUNNING,
    description="Turns submitted project requests into `projects` partitions and build runs.",
)
def project_request_sensor(context: SensorEvaluationContext, grokorc: GrokorcState):
    cursor = int(context.cursor or 0)
    new = grokorc.requests.after(cursor)
    if not new:
        return SkipReason(f"no request after id {cursor}")
    known = set(context.instance.get_dynamic_partitions(projects_partitions.name))
    to_add = sorted({r.project_id for r in new} - known)
    run_config = execution_run_config()  # in-process when no step waits on a live model (jobs.py)
    runs = [
        RunRequest(
            run_key=run_key(r.project_id, r.revision),
            partition_key=r.project_id,
            tags={Tag.REVISION: str(r.revision)},
            run_config=run_config,
        )
        for r in new
        if r.launched_by is None
    ]
    return SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[projects_partitions.build_add_request(to_add)] if to_add else [],
        cursor=str(new[-1].id),
    )
