"""Dagster's storage on grokorc's Postgres keeps its connections: a run's hundreds of event-log and run
storage operations must not each open a new server session (a forked backend and ~5 ms apiece)."""

import sqlalchemy as sa
from dagster import DagsterInstance, RunsFilter


def sessions_opened(engine) -> int:
    """Server sessions ever established to this database (Postgres 14+ counts them)."""
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()


def test_a_hundred_storage_operations_reuse_a_few_connections(instance, engine):
    # A fresh instance from the same configuration, as every run worker builds one.
    with DagsterInstance.from_ref(instance.get_ref()) as fresh:
        before = sessions_opened(engine)
        for _ in range(50):
            fresh.get_runs(limit=1)
            fresh.get_run_records(RunsFilter(tags={"grokorc/revision": "1"}), limit=1)
        opened = sessions_opened(engine) - before
    # With a connection per operation this is 100; pooled, the run storage's one (plus pre-pings).
    assert opened <= 5, opened
