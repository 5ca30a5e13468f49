"""Tables of imported orders, their lines, import cursors, the quarantine and incidents.

They share the store's ``metadata`` so the migration-vs-models check covers them.

- ``orders`` — one row per (channel account, external id), ensured by a unique constraint and
  an atomic ``INSERT … ON CONFLICT DO NOTHING`` (never check-then-act). Personal columns are
  marked ``info={"personal": <purpose>}`` and declared in ``omnistock.privacy.inventory``; they
  hold sealed tokens (``v1:<key id>:…``: the key id travels with the value, so keys rotate)
  or keyed look-up hashes, never plain values. ``delivered_at``/``closed_at``/``invoiced_at``
  are the dates retention reads; ``paid_at`` is when the buyer paid as the channel reported it
  (set the first time seen, never cleared; invoices date ``P_6``/``DataZaplaty`` from it).
- ``order_lines`` — the lines; ``sku`` is NULL for an offer not linked to a SKU (flagged);
  ``unit_gross``/``currency`` the sale's gross unit price (NULL: imported before it was kept).
- ``order_cursors`` — per channel account and feed, the durable import position; written in the
  same transaction as the orders it covers.
- ``order_quarantine`` — payloads that could not be read, with the reason (redacted: no personal
  value). The payload is personal data (declared in ``omnistock.privacy.inventory``): sealed and
  bound to the row id, with keyed hashes of the e-mail/phone found in it; the retention sweep
  empties it (NULL) 30 days after receipt, the row and reason stay.
- ``incidents`` — de-duplicated incidents (``omnistock.domain.incidents``), one row per incident.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from omnistock.store.tables import metadata

__all__ = ["incidents", "order_cursors", "order_lines", "order_quarantine", "orders"]

TS = DateTime(timezone=True)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("status", String(16)),
    Column("channel_status", String(64)),
    Column("unlinked", Boolean, nullable=False, server_default="0"),
    Column("merged", Boolean, nullable=False, server_default="0"),
    Column("invoice_requested", Boolean, nullable=False, server_default="0"),
    Column("channel_updated_at", TS),
    Column("paid_at", TS),
    Column("first_seen_at", TS, nullable=False),
    Column("last_seen_at", TS, nullable=False),
    Column("delivered_at", TS),
    Column("closed_at", TS),
    Column("invoiced_at", TS),
    Column("buyer_name", Text, info={"personal": "fulfilment"}),
    Column("delivery_address", Text, info={"personal": "fulfilment"}),
    Column("invoice_address", Text, info={"personal": "invoicing"}),
    Column("buyer_email", Text, info={"personal": "fulfilment"}),
    Column("buyer_phone", Text, info={"personal": "fulfilment"}),
    Column("buyer_email_hash", String(64), info={"personal": "lookup"}),
    Column("buyer_phone_hash", String(64), info={"personal": "lookup"}),
    Column("buyer_ref_hash", String(64), info={"personal": "lookup"}),
    UniqueConstraint("channel", "external_id"),
    Index(None, "status"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line_id", String(100), primary_key=True),
    Column("offer_id", String(200), nullable=False),
    Column("sku", String(64)),
    Column("quantity", Integer, nullable=False),
    Column("unit_gross", Numeric(12, 2)),
    Column("currency", String(3)),
)

order_cursors = Table(
    "order_cursors",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("feed", String(32), primary_key=True),
    Column("cursor", Text, nullable=False),
    Column("updated_at", TS, nullable=False),
)

order_quarantine = Table(
    "order_quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(100), nullable=False),
    Column("external_id", String(200)),
    Column("reason", Text, nullable=False),
    Column("payload", Text, info={"personal": "diagnostics"}),
    Column("received_at", TS, nullable=False),
    Column("buyer_email_hash", String(64), info={"personal": "lookup"}),
    Column("buyer_phone_hash", String(64), info={"personal": "lookup"}),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("key", String(250), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("channel", String(100)),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("first_seen", TS, nullable=False),
    Column("last_seen", TS, nullable=False),
    Column("count", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Index(None, "key", "state"),
)
