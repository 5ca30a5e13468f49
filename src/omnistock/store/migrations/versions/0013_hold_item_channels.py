"""safety: each held change names its channel account (one hold may span several)

Revision ID: 0013_hold_item_channels
Revises: 0012_invoice_lookup_hashes
Create Date: 2026-11-27

A stock import that trips the mass rule makes one hold covering every channel account's
changes, so ``safety_hold_items`` gets a ``channel`` column in its primary key (the same offer id
may exist on two accounts). Existing items take their hold's channel. The table is small (held
changes only): it is rebuilt, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013_hold_item_channels"
down_revision = "0012_invoice_lookup_hashes"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
COLUMNS = ("hold_id", "offer_id", "sku", "previous", "quantity", "observed_at", "message")


def _create(with_channel: bool) -> sa.Table:
    columns: list[sa.Column[Any]] = [
        sa.Column(
            "hold_id",
            sa.String(64),
            sa.ForeignKey(
                "safety_holds.id",
                ondelete="CASCADE",
                name="fk_safety_hold_items_hold_id_safety_holds",
            ),
            primary_key=True,
        ),
    ]
    if with_channel:
        columns.append(sa.Column("channel", sa.String(100), primary_key=True))
    columns += [
        sa.Column("offer_id", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("previous", sa.Integer),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
    ]
    return op.create_table("safety_hold_items", *columns)


def upgrade() -> None:
    bind = op.get_bind()
    rows = [
        dict(r)
        for r in bind.execute(
            sa.text(
                "SELECT i.hold_id, h.channel, i.offer_id, i.sku, i.previous, i.quantity, "
                "i.observed_at, i.message FROM safety_hold_items i "
                "JOIN safety_holds h ON h.id = i.hold_id"
            )
        ).mappings()
    ]
    op.drop_table("safety_hold_items")
    table = _create(with_channel=True)
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    bind = op.get_bind()
    names = ", ".join(COLUMNS)
    rows = [
        dict(r) for r in bind.execute(sa.text(f"SELECT {names} FROM safety_hold_items")).mappings()
    ]
    op.drop_table("safety_hold_items")
    table = _create(with_channel=False)
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in rows:  # a hold spanning several channels keeps one item per offer id
        if (row["hold_id"], row["offer_id"]) not in seen:
            seen.add((row["hold_id"], row["offer_id"]))
            kept.append(row)
    if kept:
        op.bulk_insert(table, kept)
