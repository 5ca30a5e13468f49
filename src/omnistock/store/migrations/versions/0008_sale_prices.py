"""orders: sale prices of order lines (unit gross, currency) for invoicing

Revision ID: 0008_sale_prices
Revises: 0007_privacy_audit
Create Date: 2026-11-27

Nullable: lines imported before this revision have no sale price; invoicing falls back to the
catalogue price for them (``omnistock.service.invoice_build``). The order's currency and
delivery cost go to the existing ``invoice_order_terms``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sale_prices"
down_revision = "0007_privacy_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("unit_gross", sa.Numeric(12, 2)))
        batch.add_column(sa.Column("currency", sa.String(3)))


def downgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("currency")
        batch.drop_column("unit_gross")
