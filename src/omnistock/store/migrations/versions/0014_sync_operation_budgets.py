"""sync: a budget per push operation of a channel account (Amazon feeds vs patches)

Revision ID: 0014_sync_operation_budgets
Revises: 0013_hold_item_channels
Create Date: 2026-11-27

A channel whose push operations have separate documented limits (Amazon ``JSON_LISTINGS_FEED``
5 per 5 minutes, ``patchListingsItem`` 5 per second) keeps one token bucket per operation, so a
used-up feed quota never starves single-SKU patches. Shared by every worker (PostgreSQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_sync_operation_budgets"
down_revision = "0013_hold_item_channels"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_operation_budgets",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("operation", sa.String(32), primary_key=True),
        sa.Column("requests", sa.Float(), nullable=False),
        sa.Column("changes", sa.Float(), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False, server_default="1"),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("blocked_until", TS),
    )


def downgrade() -> None:
    op.drop_table("sync_operation_budgets")
