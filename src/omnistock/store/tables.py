"""SQLAlchemy Core tables of the catalog, the stock ledger, reservations, policies and listings.

Every schema change goes through an Alembic migration in ``store/migrations`` (a test compares
``alembic upgrade head`` with this ``metadata``). Datetimes are stored in UTC.

- ``stock_movements`` is the append-only ledger; ``stock_levels`` is derived from it in the same
  transaction. The idempotency key is unique: recording a movement twice changes nothing.
- ``listings.version`` grows by one and ``updated_at`` is set each time ``desired`` changes, so
  the sync engine can tell what became dirty since it last looked.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "bundle_components",
    "channels",
    "listings",
    "metadata",
    "policies",
    "products",
    "reservations",
    "sku_pauses",
    "stock_levels",
    "stock_movements",
    "warehouses",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

TS = DateTime(timezone=True)
SKU = String(64)
CHANNEL = String(100)
WAREHOUSE = String(64)


def _sku_fk(name: str = "sku", **options: object) -> Column[str]:
    return Column(name, SKU, ForeignKey("products.sku"), nullable=False, **options)  # type: ignore[arg-type]


products = Table(
    "products",
    metadata,
    Column("sku", SKU, primary_key=True),
    Column("name", Text, nullable=False),
    Column("ean", String(14)),
    Column("vat", String(8), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("price_gross", Numeric(12, 2), nullable=False),
    Column("group_name", String(100)),
    Index(None, "group_name"),
)

bundle_components = Table(
    "bundle_components",
    metadata,
    Column("bundle_sku", SKU, ForeignKey("products.sku"), primary_key=True),
    Column("component_sku", SKU, ForeignKey("products.sku"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="positive_quantity"),
    Index(None, "component_sku"),
)

warehouses = Table(
    "warehouses",
    metadata,
    Column("name", WAREHOUSE, primary_key=True),
)

channels = Table(
    "channels",
    metadata,
    Column("name", CHANNEL, primary_key=True),
    Column("kind", String(20), nullable=False),
)

listings = Table(
    "listings",
    metadata,
    Column("channel", CHANNEL, ForeignKey("channels.name"), primary_key=True),
    Column("offer_id", String(200), primary_key=True),
    _sku_fk(),
    Column("desired", Integer),
    Column("last_pushed", Integer),
    Column("observed_at", TS),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("updated_at", TS),
    UniqueConstraint("channel", "sku"),
    Index(None, "sku"),
)

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("sku", SKU, ForeignKey("products.sku"), primary_key=True),
    Column("warehouse", WAREHOUSE, ForeignKey("warehouses.name"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("observed_at", TS),
    Column("updated_at", TS),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(200), nullable=False),
    _sku_fk(),
    Column("warehouse", WAREHOUSE, ForeignKey("warehouses.name"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("on_hand_after", Integer),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("observed_at", TS, nullable=False),
    Column("recorded_at", TS, nullable=False),
    UniqueConstraint("idempotency_key"),
    Index(None, "sku", "warehouse"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_ref", String(100), nullable=False),
    _sku_fk(),
    Column("quantity", Integer, nullable=False),
    Column("open", Boolean, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("closed_at", TS),
    CheckConstraint("quantity > 0", name="positive_quantity"),
    UniqueConstraint("order_ref", "sku"),
    Index(None, "sku", "open"),
)

policies = Table(
    "policies",
    metadata,
    Column("scope", String(8), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("body", Text, nullable=False),
    Column("updated_at", TS),
)

sku_pauses = Table(
    "sku_pauses",
    metadata,
    Column("sku", SKU, ForeignKey("products.sku"), primary_key=True),
    Column("paused", Boolean, nullable=False),
    Column("changed_at", TS),
)
