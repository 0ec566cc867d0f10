"""The sensor on a real instance: partitions added, exactly one run request per revision."""

from dagster import SensorResult, SkipReason, build_sensor_context

from grokorc_assets.definitions import defs
from grokorc_assets.resources import GrokorcState
from grokorc_assets.storage.requests import RequestStore


def _tick(instance, cursor):
    sensor = defs.get_sensor_def("project_request_sensor")
    context = build_sensor_context(
        instance=instance, cursor=cursor, resources={"grokorc": GrokorcState()}, definitions=defs
    )
    return sensor(context)


def _apply(instance, result: SensorResult) -> None:
    # What the daemon does with a SensorResult's partition requests.
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def _latest_cursor(engine) -> str:
    store = RequestStore(engine)
    feed = store.after(0, limit=100_000)
    return str(feed[-1].id) if feed else "0"


def test_new_requests_become_partitions_and_one_run_per_revision(instance, engine, project_id):
    cursor = _latest_cursor(engine)
    store = RequestStore(engine)
    store.submit(project_id, "Recipe sharing site with comments")

    first = _tick(instance, cursor)
    assert isinstance(first, SensorResult)
    assert [r.run_key for r in first.run_requests] == [f"{project_id}:r1"]
    assert first.run_requests[0].partition_key == project_id
    assert first.run_requests[0].tags["grokorc/revision"] == "1"
    assert [list(r.partition_keys) for r in first.dynamic_partitions_requests] == [[project_id]]
    _apply(instance, first)
    assert instance.has_dynamic_partition("projects", project_id)

    # Nothing new: the next tick skips.
    assert isinstance(_tick(instance, first.cursor), SkipReason)

    # A resubmission is a new revision: one more run, no second partition request.
    store.submit(project_id, "Recipe sharing site with comments and ratings")
    second = _tick(instance, first.cursor)
    assert [r.run_key for r in second.run_requests] == [f"{project_id}:r2"]
    assert second.dynamic_partitions_requests == []


def test_a_retried_tick_repeats_the_same_run_keys(instance, engine, project_id):
    """A tick whose cursor was lost re-emits the same run keys, which the daemon de-duplicates."""
    cursor = _latest_cursor(engine)
    RequestStore(engine).submit(project_id, "Booking system for a dentist")
    once = _tick(instance, cursor)
    twice = _tick(instance, cursor)
    assert [r.run_key for r in once.run_requests] == [r.run_key for r in twice.run_requests]


def test_a_revision_built_by_the_cli_gets_its_partition_but_no_second_run(instance, engine, settings, project_id):
    """`grokorc build` stores its request with launched_by='cli' and builds it itself: a `grokorc dev`
    started later must not launch the same revision again (double cost with an LLM)."""
    from grokorc_assets.cli.runner import submit_request

    cursor = _latest_cursor(engine)
    built = submit_request(settings, "Inventory tracker for a bike shop", project_id, build_here=True)
    queued = submit_request(settings, "Inventory tracker for a bike shop with suppliers", project_id)
    assert (built.launched_by, queued.launched_by) == ("cli", None)

    result = _tick(instance, cursor)
    assert [r.run_key for r in result.run_requests] == [f"{project_id}:r2"]
    assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [[project_id]]
    assert result.cursor == str(queued.id)
