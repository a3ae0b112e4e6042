"""near duplicates: article.minhash and the LSH band index article_band

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
    op.create_table(
        "article_band",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    # (key, article_id): lookups are index-only scans
    op.create_index("ix_article_band_key", "article_band", ["key", "article_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_band_key", table_name="article_band")
    op.drop_table("article_band")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("minhash")
