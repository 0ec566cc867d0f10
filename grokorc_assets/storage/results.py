"""Final results per project revision and run; `grokorc report` reads the newest."""

from __future__ import annotations

import json

import sqlalchemy as sa


class ResultStore:
    def __init__(self, engine: sa.Engine):
        self._engine = engine

    def save(self, result: dict) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO grokorc.results (project_id, revision, run_id, status, report) "
                    "VALUES (:p, :r, :run, :s, CAST(:report AS jsonb))"
                ),
                {"p": result["project_id"], "r": result["revision"], "run": result["execution"]["run_id"],
                 "s": result["status"], "report": json.dumps(result, default=str)},
            )

    def latest(self, project_id: str, revision: int | None = None) -> dict | None:
        query = "SELECT report FROM grokorc.results WHERE project_id = :p"
        params: dict[str, object] = {"p": project_id}
        if revision is not None:
            query += " AND revision = :r"
            params["r"] = revision
        with self._engine.connect() as conn:
            return conn.execute(sa.text(query + " ORDER BY id DESC LIMIT 1"), params).scalar()

    def for_run(self, run_id: str) -> dict | None:
        with self._engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT report FROM grokorc.results WHERE run_id = :r ORDER BY id DESC LIMIT 1"),
                {"r": run_id},
            ).scalar()
