"""invoices: ``xml`` holds a sealed token (text) instead of plain FA(3) bytes

Revision ID: 0010_sealed_invoice_xml
Revises: 0009_channel_tokens
Create Date: 2026-11-27

The migration has no keys, so it cannot encrypt: existing documents become plain XML text
(UTF-8) and stay readable; the invoice repository seals every such row in the transaction of
the next invoice or correction issued (``SqlInvoiceRepository.seal_plain``). A plain value is
told from a sealed one by the token shape (``v1:<key id>:…``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_sealed_invoice_xml"
down_revision = "0009_channel_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("invoices", "xml", type_=sa.Text, existing_nullable=True,
                        postgresql_using="convert_from(xml, 'UTF8')")  # fmt: skip
        return
    with op.batch_alter_table("invoices") as batch:
        batch.alter_column("xml", type_=sa.Text, existing_type=sa.LargeBinary)
    op.execute("UPDATE invoices SET xml = CAST(xml AS TEXT) WHERE xml IS NOT NULL")


def downgrade() -> None:
    """Back to bytes; sealed documents stay sealed tokens (open them before downgrading)."""
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("invoices", "xml", type_=sa.LargeBinary, existing_nullable=True,
                        postgresql_using="convert_to(xml, 'UTF8')")  # fmt: skip
        return
    op.execute("UPDATE invoices SET xml = CAST(xml AS BLOB) WHERE xml IS NOT NULL")
    with op.batch_alter_table("invoices") as batch:
        batch.alter_column("xml", type_=sa.LargeBinary, existing_type=sa.Text)
