"""task ledger: queued_task.given_up_at (a task the reaper gave up is not examined again)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queued_task") as batch:
        batch.add_column(sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True))
    # done rows are purged by their age: an index on done_at for the rows that have one
    op.create_index("ix_queued_task_done", "queued_task", ["done_at"], unique=False,
                    postgresql_where=sa.text("done_at IS NOT NULL"), sqlite_where=sa.text("done_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_queued_task_done", table_name="queued_task")
    with op.batch_alter_table("queued_task") as batch:
        batch.drop_column("given_up_at")
