"""Tables of issued invoices, their corrections, gap-free number counters and order terms.

- ``invoices`` — one row per document (``VAT`` or ``KOR``): status, number, the exact FA(3) bytes
  and their SHA-256, the KSeF number and UPO, the last error, the offline deadline and
  ``retention_until`` (5 years from the end of the tax year; GDPR erasure must wait for it).
  ``order_id`` is unique: a retried "issue" finds the invoice instead of taking a second number
  (corrections have no ``order_id``; they link through ``invoice_corrections``). A draft (bad
  input) has no number. The buyer's data lives only inside ``xml`` (the legal document), stored
  sealed (privacy ``Sealer``, bytes format, declared in ``omnistock.privacy.inventory``; read and
  written through ``invoice_repository``); ``sha256`` is the hash of the plain XML sent to KSeF.
  ``buyer_*_hash`` are the order's keyed look-up hashes (a correction copies its invoice's), so a
  data subject's request finds the invoices.
- ``invoice_corrections`` — correction → corrected document (an invoice or an earlier correction).
- ``invoice_counters`` — the last sequence per (seller NIP, series, period), taken with an atomic
  ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in the transaction that writes the invoice.
- ``invoice_order_terms`` — optional per-order currency and delivery cost for invoicing.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from omnistock.store.tables import metadata

__all__ = ["invoice_corrections", "invoice_counters", "invoice_order_terms", "invoices"]

TS = DateTime(timezone=True)
NOT_PERSONAL = {"personal": False}

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seller_nip", String(10), nullable=False, info=NOT_PERSONAL),
    Column("kind", String(3), nullable=False),
    Column("series", String(50), nullable=False),
    Column("period", String(7)),
    Column("seq", Integer),
    Column("number", String(256)),
    Column("order_id", Integer, ForeignKey("orders.id"), unique=True),
    Column("status", String(16), nullable=False),
    Column("issue_date", Date),
    Column("currency", String(3), nullable=False),
    Column("gross", Numeric(14, 2)),
    Column("lines", Text),
    Column("xml", Text, info={"personal": "invoicing"}),
    Column("sha256", String(64)),
    Column("ksef_number", String(36)),
    Column("ksef_acquired_at", TS),
    Column("ksef_session", String(100)),
    Column("upo", LargeBinary),
    Column("error", Text),
    Column("offline_deadline", Date),
    Column("retention_until", TS),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("buyer_email_hash", String(64), info={"personal": "lookup"}),
    Column("buyer_phone_hash", String(64), info={"personal": "lookup"}),
    Column("buyer_ref_hash", String(64), info={"personal": "lookup"}),
    UniqueConstraint("seller_nip", "kind", "number"),
    Index(None, "status"),
)

invoice_corrections = Table(
    "invoice_corrections",
    metadata,
    Column("invoice_id", Integer, ForeignKey("invoices.id"), primary_key=True),
    Column("corrected_id", Integer, ForeignKey("invoices.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("correction_type", Integer, nullable=False),
    Index(None, "corrected_id"),
)

invoice_counters = Table(
    "invoice_counters",
    metadata,
    Column("seller_nip", String(10), primary_key=True, info=NOT_PERSONAL),
    Column("series", String(50), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

invoice_order_terms = Table(
    "invoice_order_terms",
    metadata,
    Column("order_id", Integer, ForeignKey("orders.id"), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("delivery_gross", Numeric(12, 2)),
    Column("delivery_vat", String(8)),
)
