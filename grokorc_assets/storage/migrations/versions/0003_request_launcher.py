"""Who builds a request: NULL = the request sensor launches its run; 'cli' = `grokorc build` (or
`demo`) builds it in its own process, so the sensor must not launch a second run of that revision.

Revision ID: 0003
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE grokorc.project_requests ADD COLUMN IF NOT EXISTS launched_by TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE grokorc.project_requests DROP COLUMN IF EXISTS launched_by")
