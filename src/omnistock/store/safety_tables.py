"""Tables of the safety guard and alerts: holds, pauses, feed history, notifications, audit.

They share the store's ``metadata`` so the migration-vs-models check covers them.

- ``safety_holds`` / ``safety_hold_items`` — a stored ``domain.safety.Hold`` and its held
  changes (channel, offer, SKU, previous, proposed quantity; one hold made by a stock import
  spans every channel account); decisions record who, when and a note.
- ``safety_channel_pauses`` — the pause switch per channel account (``*`` = every channel).
- ``safety_feed_history`` — one row per stock import attempt per source: when, how many SKUs,
  accepted or the problem; the usual SKU count and staleness are read from it.
- ``safety_source_skus`` — when each stock source last reported each SKU (stale SKUs).
- ``safety_notifications`` — the sent log (``domain.incidents.SentRecord`` rows).
- ``safety_notify_retries`` — notifications waiting for a retry (key → earliest time).
- ``safety_incident_events`` — audit of incidents and holds: who did what, when.
- ``safety_heartbeats`` — one row per worker, updated every tick.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from omnistock.store.tables import metadata

__all__ = [
    "safety_channel_pauses",
    "safety_feed_history",
    "safety_heartbeats",
    "safety_hold_items",
    "safety_holds",
    "safety_incident_events",
    "safety_notifications",
    "safety_notify_retries",
    "safety_source_skus",
]

TS = DateTime(timezone=True)

safety_holds = Table(
    "safety_holds",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("channel", String(100), nullable=False),
    Column("scope", String(8), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("cause", String(200), nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", TS),
    Column("note", Text, nullable=False, server_default=""),
    Index(None, "status", "channel"),
)

safety_hold_items = Table(
    "safety_hold_items",
    metadata,
    Column(
        "hold_id", String(64), ForeignKey("safety_holds.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("channel", String(100), primary_key=True),
    Column("offer_id", String(200), primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("previous", Integer),
    Column("quantity", Integer, nullable=False),
    Column("observed_at", TS, nullable=False),
    Column("message", Text, nullable=False, server_default=""),
)

safety_channel_pauses = Table(
    "safety_channel_pauses",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("paused", Boolean, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", TS, nullable=False),
)

safety_feed_history = Table(
    "safety_feed_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False),
    Column("import_id", String(200), nullable=False),
    Column("imported_at", TS, nullable=False),
    Column("produced_at", TS, nullable=False),
    Column("sku_count", Integer, nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("problem", String(16)),
    Index(None, "source", "imported_at"),
)

safety_source_skus = Table(
    "safety_source_skus",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("reported_at", TS, nullable=False),
    Index(None, "source", "reported_at"),
)

safety_notifications = Table(
    "safety_notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False),
    Column("incident_id", String(300), nullable=False),
    Column("via", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", TS, nullable=False),
    Column("count", Integer, nullable=False),
    Index(None, "incident_id"),
)

safety_notify_retries = Table(
    "safety_notify_retries",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("retry_at", TS, nullable=False),
)

safety_incident_events = Table(
    "safety_incident_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", String(300), nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", TS, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Index(None, "subject_type", "subject_id"),
)

safety_heartbeats = Table(
    "safety_heartbeats",
    metadata,
    Column("holder", String(200), primary_key=True),
    Column("beat_at", TS, nullable=False),
)
