"""velocity_shares: the velocity strategy's last shares per SKU and channel account

Revision ID: 0016_velocity_shares
Revises: 0015_quarantine_personal
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_velocity_shares"
down_revision = "0015_quarantine_personal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "velocity_shares",
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("share", sa.Numeric(7, 6), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sku", "channel", name="pk_velocity_shares"),
    )


def downgrade() -> None:
    op.drop_table("velocity_shares")
