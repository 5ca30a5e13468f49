"""invoices: keyed look-up hashes of the buyer (e-mail, phone, channel buyer id)

Revision ID: 0012_invoice_lookup_hashes
Revises: 0011_compliance_results
Create Date: 2026-11-27

Copied from the order when the invoice is issued (a correction copies its invoice's), so a data
subject's access or erasure request finds the invoices (``omnistock.privacy.inventory``).
Existing invoices get them from their orders here, corrections from the document they correct
(repeated for corrections of corrections).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_invoice_lookup_hashes"
down_revision = "0011_compliance_results"
branch_labels = None
depends_on = None

COLUMNS = ("buyer_email_hash", "buyer_phone_hash", "buyer_ref_hash")


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(64)))
    for name in COLUMNS:
        op.execute(
            f"UPDATE invoices SET {name} = (SELECT orders.{name} FROM orders "
            "WHERE orders.id = invoices.order_id) WHERE order_id IS NOT NULL"
        )
    bind = op.get_bind()
    for _ in range(100):  # a chain of corrections is short; each pass fills one more link
        changed = sum(
            bind.execute(sa.text(_FROM_CORRECTED.format(name=n))).rowcount for n in COLUMNS
        )
        if not changed:
            break


_FROM_CORRECTED = (
    "UPDATE invoices SET {name} = (SELECT src.{name} FROM invoice_corrections c "
    "JOIN invoices src ON src.id = c.corrected_id WHERE c.invoice_id = invoices.id) "
    "WHERE {name} IS NULL AND EXISTS (SELECT 1 FROM invoice_corrections c "
    "JOIN invoices src ON src.id = c.corrected_id "
    "WHERE c.invoice_id = invoices.id AND src.{name} IS NOT NULL)"
)


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
