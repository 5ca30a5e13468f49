"""orders: when the buyer paid (``paid_at``), as the channel reported it

Revision ID: 0018_order_paid_at
Revises: 0017_source_skus
Create Date: 2026-11-27

``orders.paid_at`` is the payment moment read from the channel's order (Allegro
``payment.finishedAt``, WooCommerce ``date_paid_gmt``), set the first time the order is seen
paid and never cleared by a later import without it. Invoices use it for ``P_6``,
``DataZaplaty`` and the NBP rate date; NULL (older orders, channels without it) falls back to
the channel's last update time while paid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_order_paid_at"
down_revision = "0017_source_skus"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("paid_at")
