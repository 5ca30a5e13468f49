"""Core schema: catalog, warehouses, channels, listings, stock ledger, reservations, policies.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
SKU = sa.String(64)


def _sku(name: str = "sku", **options: object) -> sa.Column[str]:
    return sa.Column(name, SKU, sa.ForeignKey("products.sku"), **options)  # type: ignore[arg-type]


def upgrade() -> None:
    _catalog()
    _stock()
    _orders_and_policies()


def _catalog() -> None:
    op.create_table(
        "products",
        sa.Column("sku", SKU, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("ean", sa.String(14)),
        sa.Column("vat", sa.String(8), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("price_gross", sa.Numeric(12, 2), nullable=False),
        sa.Column("group_name", sa.String(100)),
    )
    op.create_index("ix_products_group_name", "products", ["group_name"])
    op.create_table(
        "bundle_components",
        _sku("bundle_sku", primary_key=True),
        _sku("component_sku", primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity > 0", name="positive_quantity"),
    )
    op.create_index("ix_bundle_components_component_sku", "bundle_components", ["component_sku"])
    op.create_table(
        "channels",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    op.create_table(
        "listings",
        sa.Column("channel", sa.String(100), sa.ForeignKey("channels.name"), primary_key=True),
        sa.Column("offer_id", sa.String(200), primary_key=True),
        _sku(nullable=False),
        sa.Column("desired", sa.Integer),
        sa.Column("last_pushed", sa.Integer),
        sa.Column("observed_at", TS),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", TS),
        sa.UniqueConstraint("channel", "sku"),
    )
    op.create_index("ix_listings_sku", "listings", ["sku"])


def _stock() -> None:
    warehouses = op.create_table("warehouses", sa.Column("name", sa.String(64), primary_key=True))
    op.bulk_insert(warehouses, [{"name": "main"}])
    op.create_table(
        "stock_levels",
        _sku(primary_key=True),
        sa.Column("warehouse", sa.String(64), sa.ForeignKey("warehouses.name"), primary_key=True),
        sa.Column("on_hand", sa.Integer, nullable=False),
        sa.Column("observed_at", TS),
        sa.Column("updated_at", TS),
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        _sku(nullable=False),
        sa.Column("warehouse", sa.String(64), sa.ForeignKey("warehouses.name"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("on_hand_after", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_stock_movements_sku_warehouse", "stock_movements", ["sku", "warehouse"])


def _orders_and_policies() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_ref", sa.String(100), nullable=False),
        _sku(nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS),
        sa.CheckConstraint("quantity > 0", name="positive_quantity"),
        sa.UniqueConstraint("order_ref", "sku"),
    )
    op.create_index("ix_reservations_sku_open", "reservations", ["sku", "open"])
    op.create_table(
        "policies",
        sa.Column("scope", sa.String(8), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", TS),
    )
    op.create_table(
        "sku_pauses",
        _sku(primary_key=True),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("changed_at", TS),
    )


def downgrade() -> None:
    for table in (
        "sku_pauses",
        "policies",
        "reservations",
        "stock_movements",
        "stock_levels",
        "warehouses",
        "listings",
        "channels",
        "bundle_components",
        "products",
    ):
        op.drop_table(table)
