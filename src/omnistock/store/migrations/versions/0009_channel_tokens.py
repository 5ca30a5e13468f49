"""channels: OAuth token pairs of channel accounts (Allegro), sealed, with a refresh lease

Revision ID: 0009_channel_tokens
Revises: 0008_sale_prices
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_channel_tokens"
down_revision = "0008_sale_prices"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "channel_tokens",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("access_token", sa.Text()),
        sa.Column("refresh_token", sa.Text()),
        sa.Column("refresh_hash", sa.String(64)),
        sa.Column("expires_at", TS),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("lease_holder", sa.String(100)),
        sa.Column("lease_until", TS),
    )


def downgrade() -> None:
    op.drop_table("channel_tokens")
