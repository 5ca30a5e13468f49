"""sync engine tables: batches, items, attempts, channel state, listing sync state, incidents

Revision ID: 0002_sync
Revises: 0001_core
Create Date: 2026-11-27

Owned by the sync engine (``omnistock.store.sync_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_sync"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_batches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("command_id", sa.String(100)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_sync_batches_channel_status", "sync_batches", ["channel", "status"])
    op.create_table(
        "sync_batch_items",
        sa.Column(
            "batch_id",
            sa.String(36),
            sa.ForeignKey("sync_batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("offer_id", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("previous", sa.Integer),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("error_code", sa.String(100)),
        sa.Column("error_message", sa.Text),
    )
    op.create_table(
        "sync_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("sync_batches.id", ondelete="CASCADE")),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_sync_attempts_batch_id", "sync_attempts", ["batch_id"])
    op.create_table(
        "sync_channels",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("budget_requests", sa.Float),
        sa.Column("budget_changes", sa.Float),
        sa.Column("budget_scale", sa.Float, nullable=False, server_default="1"),
        sa.Column("budget_updated_at", TS),
        sa.Column("budget_blocked_until", TS),
        sa.Column("breaker_status", sa.String(16), nullable=False, server_default="closed"),
        sa.Column("breaker_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("breaker_opened_at", TS),
        sa.Column("lease_holder", sa.String(100)),
        sa.Column("lease_expires_at", TS),
        sa.Column("last_success_at", TS),
    )
    op.create_table(
        "sync_listing_state",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("offer_id", sa.String(200), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False, server_default="idle"),
        sa.Column("batch_id", sa.String(36)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS),
        sa.Column("failed_quantity", sa.Integer),
        sa.Column("pushed_observed_at", TS),
        sa.Column("error_code", sa.String(100)),
        sa.Column("error_message", sa.Text),
        sa.Column("updated_at", TS),
    )
    op.create_index(
        "ix_sync_listing_state_channel_state", "sync_listing_state", ["channel", "state"]
    )
    op.create_table(
        "sync_incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("offer_id", sa.String(200)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("notified_at", TS),
    )


def downgrade() -> None:
    op.drop_table("sync_incidents")
    op.drop_index("ix_sync_listing_state_channel_state", table_name="sync_listing_state")
    op.drop_table("sync_listing_state")
    op.drop_table("sync_channels")
    op.drop_index("ix_sync_attempts_batch_id", table_name="sync_attempts")
    op.drop_table("sync_attempts")
    op.drop_table("sync_batch_items")
    op.drop_index("ix_sync_batches_channel_status", table_name="sync_batches")
    op.drop_table("sync_batches")
