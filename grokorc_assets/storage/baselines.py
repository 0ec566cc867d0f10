"""Visual baselines per project, page and viewport, with history: promoting supersedes, never deletes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import sqlalchemy as sa
from pydantic import BaseModel


class Baseline(BaseModel):
    image_path: str
    sha256: str
    revision: int
    approved_by: str


class PostgresBaselineStore:
    def __init__(self, engine: sa.Engine, images_dir: Path):
        self._engine = engine
        self._images = images_dir

    def current(self, project_id: str, page: str, viewport: str) -> Baseline | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT image_path, sha256, revision, approved_by FROM grokorc.visual_baselines "
                    "WHERE project_id = :p AND page = :g AND viewport = :v AND NOT superseded "
                    "ORDER BY id DESC LIMIT 1"
                ),
                {"p": project_id, "g": page, "v": viewport},
            ).mappings().first()
        return Baseline(**row) if row else None

    def promote(
        self, project_id: str, page: str, viewport: str, image: Path, revision: int, approved_by: str
    ) -> Baseline:
        """Make ``image`` the current baseline; the previous one stays, marked superseded."""
        data = image.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        # Content-addressed copies: a later run overwriting its screenshot cannot change a baseline.
        target = self._images / project_id / page / viewport / f"{digest}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(image, target)
        with self._engine.begin() as conn:
            params = {"p": project_id, "g": page, "v": viewport}
            conn.execute(
                sa.text(
                    "UPDATE grokorc.visual_baselines SET superseded = true "
                    "WHERE project_id = :p AND page = :g AND viewport = :v AND NOT superseded"
                ),
                params,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO grokorc.visual_baselines (project_id, page, viewport, image_path, sha256, "
                    "revision, approved_by) VALUES (:p, :g, :v, :path, :sha, :r, :by)"
                ),
                {**params, "path": str(target), "sha": digest, "r": revision, "by": approved_by},
            )
        return Baseline(image_path=str(target), sha256=digest, revision=revision, approved_by=approved_by)

    def history(self, project_id: str) -> list[dict]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT page, viewport, sha256, revision, approved_by, approved_at, superseded "
                    "FROM grokorc.visual_baselines WHERE project_id = :p ORDER BY id"
                ),
                {"p": project_id},
            ).mappings().all()
        return [dict(r) for r in rows]
