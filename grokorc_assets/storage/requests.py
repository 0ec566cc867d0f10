"""Project requests: each submission of a project id is a new revision; none is ever overwritten."""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa

from grokorc_assets.models import ProjectRequest
from grokorc_assets.validation import validate_message, validate_project_id

_COLUMNS = "id, project_id, revision, message, submitted_at, launched_by"


class StoredRequest(ProjectRequest):
    id: int


class RequestStore:
    def __init__(self, engine: sa.Engine):
        self._engine = engine

    def submit(self, project_id: str, message: str, launched_by: Literal["cli"] | None = None) -> StoredRequest:
        """Store the next revision. ``launched_by="cli"``: the caller builds it itself (no sensor run)."""
        validate_project_id(project_id)
        validate_message(message)
        with self._engine.begin() as conn:
            # Serialise revisions of one project so two concurrent submits cannot take the same number.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:p))"), {"p": project_id})
            row = conn.execute(
                sa.text(
                    "INSERT INTO grokorc.project_requests (project_id, revision, message, launched_by) "
                    "SELECT :p, COALESCE(MAX(revision), 0) + 1, :m, :l FROM grokorc.project_requests "
                    f"WHERE project_id = :p RETURNING {_COLUMNS}"
                ),
                {"p": project_id, "m": message, "l": launched_by},
            ).mappings().one()
        return StoredRequest(**row)

    def get(self, project_id: str, revision: int | None = None) -> StoredRequest | None:
        query = f"SELECT {_COLUMNS} FROM grokorc.project_requests WHERE project_id = :p"
        params: dict[str, object] = {"p": project_id}
        if revision is not None:
            query += " AND revision = :r"
            params["r"] = revision
        query += " ORDER BY revision DESC LIMIT 1"
        with self._engine.connect() as conn:
            row = conn.execute(sa.text(query), params).mappings().first()
        return StoredRequest(**row) if row else None

    def revisions(self, project_id: str) -> list[StoredRequest]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    f"SELECT {_COLUMNS} FROM grokorc.project_requests WHERE project_id = :p "
                    "ORDER BY revision"
                ),
                {"p": project_id},
            ).mappings().all()
        return [StoredRequest(**row) for row in rows]

    def after(self, cursor: int, limit: int = 500) -> list[StoredRequest]:
        """Requests stored after ``cursor`` (a request id), oldest first: the sensor's feed."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    f"SELECT {_COLUMNS} FROM grokorc.project_requests WHERE id > :c "
                    "ORDER BY id LIMIT :n"
                ),
                {"c": cursor, "n": limit},
            ).mappings().all()
        return [StoredRequest(**row) for row in rows]
