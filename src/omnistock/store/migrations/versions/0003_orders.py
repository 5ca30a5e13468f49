"""orders: orders, order lines, import cursors, quarantine, incidents

Revision ID: 0003_orders
Revises: 0002_sync
Create Date: 2026-11-27

Owned by order import (``omnistock.store.order_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_orders"
down_revision = "0002_sync"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    _orders()
    op.create_table(
        "order_cursors",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("feed", sa.String(32), primary_key=True),
        sa.Column("cursor", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "order_quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    _incidents()


def _orders() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16)),
        sa.Column("channel_status", sa.String(64)),
        sa.Column("unlinked", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("merged", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("invoice_requested", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("channel_updated_at", TS),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("delivered_at", TS),
        sa.Column("closed_at", TS),
        sa.Column("invoiced_at", TS),
        sa.Column("buyer_name", sa.Text),
        sa.Column("delivery_address", sa.Text),
        sa.Column("invoice_address", sa.Text),
        sa.Column("buyer_email", sa.Text),
        sa.Column("buyer_phone", sa.Text),
        sa.Column("buyer_email_hash", sa.String(64)),
        sa.Column("buyer_phone_hash", sa.String(64)),
        sa.Column("buyer_ref_hash", sa.String(64)),
        sa.UniqueConstraint("channel", "external_id", name="uq_orders_channel_external_id"),
    )
    op.create_index("ix_orders_status", "orders", ["status"])
    op.create_table(
        "order_lines",
        sa.Column(
            "order_id",
            sa.Integer,
            sa.ForeignKey("orders.id", ondelete="CASCADE", name="fk_order_lines_order_id_orders"),
            primary_key=True,
        ),
        sa.Column("line_id", sa.String(100), primary_key=True),
        sa.Column("offer_id", sa.String(200), nullable=False),
        sa.Column("sku", sa.String(64)),
        sa.Column("quantity", sa.Integer, nullable=False),
    )


def _incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(100)),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
    )
    op.create_index("ix_incidents_key_state", "incidents", ["key", "state"])


def downgrade() -> None:
    op.drop_table("incidents")
    op.drop_table("order_quarantine")
    op.drop_table("order_cursors")
    op.drop_table("order_lines")
    op.drop_table("orders")
