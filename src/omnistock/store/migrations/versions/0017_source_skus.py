"""safety: when each stock source last reported each SKU (stale SKUs, never 0)

Revision ID: 0017_source_skus
Revises: 0016_velocity_shares
Create Date: 2026-11-27

``safety_source_skus`` gets one row per (source, SKU), updated by every accepted import of the
source. A SKU the source stops reporting keeps its last value (never 0) and, once older than
``source_max_age_hours``, is counted in a ``stale_source`` incident.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_source_skus"
down_revision = "0016_velocity_shares"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_source_skus",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_safety_source_skus_source_reported_at",
        "safety_source_skus",
        ["source", "reported_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_safety_source_skus_source_reported_at", table_name="safety_source_skus")
    op.drop_table("safety_source_skus")
