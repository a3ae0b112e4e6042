"""task ledger: queued_task, one row per ingest task sent (the reaper re-sends lost ones)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "queued_task",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("enqueued_at", _ts(), nullable=False),
        sa.Column("requeued_at", _ts(), nullable=True),
        sa.Column("requeues", sa.Integer(), nullable=False),
        sa.Column("done_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", name="uq_queued_task_task_id"),
    )
    # the pending rows only, oldest first (the reaper's lookup); done rows are the bulk
    op.create_index("ix_queued_task_pending", "queued_task", ["enqueued_at"], unique=False,
                    postgresql_where=sa.text("done_at IS NULL"), sqlite_where=sa.text("done_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_queued_task_pending", table_name="queued_task")
    op.drop_table("queued_task")
