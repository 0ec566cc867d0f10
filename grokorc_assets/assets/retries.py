# No `from __future__ import annotations` in Dagster modules: Dagster inspects real annotations.
"""Step retries: what a transient failure gets before the step, and the run, fail.

Every step reads grokorc's state from Postgres first (the revision it builds), and the planning and
generation steps may call an LLM endpoint. A database restarting under a run (seconds in the
production stack) or an endpoint's brief outage throws in whichever step is starting; the run then
failed as an asset failure, which run retries do not cover. These steps retry after 2, 4 and 8 s,
longer than a Postgres restart takes; a genuine bug still fails the run, 14 s later. The asset checks
retry the same way: the full suite once saw `plan_confidence_slo` fail because Postgres was shutting down
while the check wrote its verdict to the event log (the production stack's Postgres-restart test).

coverage keeps none: a killed test worker must fail the run, and resuming it re-runs the step.
"""

from dagster import Backoff, RetryPolicy

TRANSIENT_FAILURES = RetryPolicy(max_retries=3, delay=2.0, backoff=Backoff.EXPONENTIAL)
