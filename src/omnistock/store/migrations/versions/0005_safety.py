"""safety: holds, pauses, feed history, notification log and retries, audit, heartbeats

Revision ID: 0005_safety
Revises: 0004_api_tokens
Create Date: 2026-11-27

Owned by the safety guard and alerts (``omnistock.store.safety_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_safety"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    _holds()
    op.create_table(
        "safety_channel_pauses",
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
    )
    op.create_table(
        "safety_feed_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("import_id", sa.String(200), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.Column("produced_at", TS, nullable=False),
        sa.Column("sku_count", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("problem", sa.String(16)),
    )
    op.create_index(
        "ix_safety_feed_history_source_imported_at",
        "safety_feed_history",
        ["source", "imported_at"],
    )
    _notifications()
    _audit()


def _holds() -> None:
    op.create_table(
        "safety_holds",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("cause", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", TS),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_safety_holds_status_channel", "safety_holds", ["status", "channel"])
    op.create_table(
        "safety_hold_items",
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
        sa.Column("offer_id", sa.String(200), primary_key=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("previous", sa.Integer),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
    )


def _notifications() -> None:
    op.create_table(
        "safety_notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("incident_id", sa.String(300), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_safety_notifications_incident_id", "safety_notifications", ["incident_id"])
    op.create_table(
        "safety_notify_retries",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("retry_at", TS, nullable=False),
    )


def _audit() -> None:
    op.create_table(
        "safety_incident_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(300), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index(
        "ix_safety_incident_events_subject_type_subject_id",
        "safety_incident_events",
        ["subject_type", "subject_id"],
    )
    op.create_table(
        "safety_heartbeats",
        sa.Column("holder", sa.String(200), primary_key=True),
        sa.Column("beat_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "safety_heartbeats",
        "safety_incident_events",
        "safety_notify_retries",
        "safety_notifications",
        "safety_feed_history",
        "safety_channel_pauses",
        "safety_hold_items",
        "safety_holds",
    ):
        op.drop_table(table)
