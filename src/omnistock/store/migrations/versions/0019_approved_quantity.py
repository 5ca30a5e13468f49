"""sync: a person's approval of a held value outlives a failed push (``approved_quantity``)

Revision ID: 0019_approved_quantity
Revises: 0018_order_paid_at
Create Date: 2026-11-27

``sync_listing_state.approved_quantity`` is the value a person (or the source) approved when
releasing a hold: while the listing's desired equals it, the guard is not asked again — also
after a failed push left the listing in ``retry``. It is cleared when the push succeeds, when
desired moves to another value, or when the listing is held again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_approved_quantity"
down_revision = "0018_order_paid_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_listing_state") as batch:
        batch.add_column(sa.Column("approved_quantity", sa.Integer(), nullable=True))
    # listings released before this column: their approval is the desired value they have now
    op.execute(
        "UPDATE sync_listing_state SET approved_quantity = ("
        " SELECT l.desired FROM listings l"
        " WHERE l.channel = sync_listing_state.channel"
        " AND l.offer_id = sync_listing_state.offer_id"
        ") WHERE state = 'approved'"
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_listing_state") as batch:
        batch.drop_column("approved_quantity")
