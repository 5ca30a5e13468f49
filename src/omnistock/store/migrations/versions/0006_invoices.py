"""invoices: documents, corrections, gap-free counters, order terms

Revision ID: 0006_invoices
Revises: 0005_safety
Create Date: 2026-11-27

Owned by the invoice service (``omnistock.store.invoice_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_invoices"
down_revision = "0005_safety"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seller_nip", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("series", sa.String(50), nullable=False),
        sa.Column("period", sa.String(7)),
        sa.Column("seq", sa.Integer),
        sa.Column("number", sa.String(256)),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issue_date", sa.Date),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("gross", sa.Numeric(14, 2)),
        sa.Column("lines", sa.Text),
        sa.Column("xml", sa.LargeBinary),
        sa.Column("sha256", sa.String(64)),
        sa.Column("ksef_number", sa.String(36)),
        sa.Column("ksef_acquired_at", TS),
        sa.Column("ksef_session", sa.String(100)),
        sa.Column("upo", sa.LargeBinary),
        sa.Column("error", sa.Text),
        sa.Column("offline_deadline", sa.Date),
        sa.Column("retention_until", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("seller_nip", "kind", "number"),
    )
    op.create_index("ix_invoices_status", "invoices", ["status"])
    op.create_table(
        "invoice_corrections",
        sa.Column("invoice_id", sa.Integer, sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("corrected_id", sa.Integer, sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("correction_type", sa.Integer, nullable=False),
    )
    op.create_index("ix_invoice_corrections_corrected_id", "invoice_corrections", ["corrected_id"])
    op.create_table(
        "invoice_counters",
        sa.Column("seller_nip", sa.String(10), primary_key=True),
        sa.Column("series", sa.String(50), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "invoice_order_terms",
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("delivery_gross", sa.Numeric(12, 2)),
        sa.Column("delivery_vat", sa.String(8)),
    )


def downgrade() -> None:
    op.drop_table("invoice_order_terms")
    op.drop_table("invoice_counters")
    op.drop_index("ix_invoice_corrections_corrected_id", "invoice_corrections")
    op.drop_table("invoice_corrections")
    op.drop_index("ix_invoices_status", "invoices")
    op.drop_table("invoices")
