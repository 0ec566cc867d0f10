"""State: one Postgres (embedded by default) for Dagster's storage and grokorc's own tables."""
