"""order_quarantine: the payload is declared personal data (nullable: retention empties it) with
keyed look-up hashes of the e-mail and phone found in it

Revision ID: 0015_quarantine_personal
Revises: 0014_sync_operation_budgets
Create Date: 2026-11-27

Payloads stored before this revision were sealed to ``channel/external_id``; they are re-sealed
to their row id (with their hashes) by ``omnistock privacy rotate-key``, which needs the keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_quarantine_personal"
down_revision = "0014_sync_operation_budgets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_quarantine") as batch:
        batch.alter_column("payload", existing_type=sa.Text(), nullable=True)
        batch.add_column(sa.Column("buyer_email_hash", sa.String(64)))
        batch.add_column(sa.Column("buyer_phone_hash", sa.String(64)))


def downgrade() -> None:
    """Back to NOT NULL: emptied payloads become empty text."""
    op.execute("UPDATE order_quarantine SET payload = '' WHERE payload IS NULL")
    with op.batch_alter_table("order_quarantine") as batch:
        batch.drop_column("buyer_phone_hash")
        batch.drop_column("buyer_email_hash")
        batch.alter_column("payload", existing_type=sa.Text(), nullable=False)
