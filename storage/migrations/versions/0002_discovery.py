"""discovery: source discovery settings + override, discovery_run, feed_state, article_revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Types are spelled out here (not imported from storage.types) so this revision stays frozen.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _ts() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("link_selector", sa.Text(), nullable=True))
        batch.add_column(sa.Column("article_pattern", sa.Text(), nullable=True))
        batch.add_column(sa.Column("max_urls", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("enabled_override", sa.Boolean(), nullable=True))

    op.create_table(
        "discovery_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", _ts(), nullable=False),
        sa.Column("finished_at", _ts(), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("recrawl", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("error_detail", _json(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_discovery_run_source_id", "discovery_run", ["source_id"], unique=False)
    op.create_index("ix_discovery_run_started_at", "discovery_run", ["started_at"], unique=False)

    op.create_table(
        "feed_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("checked_at", _ts(), nullable=True),
        sa.Column("changed_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", name="uq_feed_state_url"),
    )
    op.create_index("ix_feed_state_source_id", "feed_state", ["source_id"], unique=False)

    op.create_table(
        "article_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("published", _ts(), nullable=True),
        sa.Column("updated", _ts(), nullable=True),
        sa.Column("content_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "revision", name="uq_article_revision"),
    )
    op.create_index("ix_article_revision_article_id", "article_revision", ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_table("article_revision")
    op.drop_table("feed_state")
    op.drop_table("discovery_run")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("enabled_override")
        batch.drop_column("max_urls")
        batch.drop_column("article_pattern")
        batch.drop_column("link_selector")
