"""Tables of the sync engine: batches, items, attempts, per-channel state, listing sync state.

They share the store's ``metadata`` so the migration-vs-models check covers them.

- ``sync_batches`` — one row per push batch; the id (idempotency key) is stored *before* the
  request. Status ``sending`` → ``pending`` (accepted, results later) → ``done`` | ``failed``.
- ``sync_batch_items`` — what the batch carries and, once known, each item's result.
- ``sync_attempts`` — every call: outcome, HTTP status, duration, error.
- ``sync_channels`` — one row per channel account: budget state, breaker state, lease,
  last success.
- ``sync_operation_budgets`` — per channel account and push operation with its own documented
  limit (Amazon ``feed`` vs ``patch``): the same token-bucket state as the account budget.
- ``sync_listing_state`` — per offer: ``idle | in_flight | retry | held | dead | error``, attempt
  count, next attempt time, what was last pushed and when it was observed.
- ``sync_incidents`` — incident-ready records (dead items); the notifier picks them up later.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from omnistock.store.tables import metadata

__all__ = [
    "sync_attempts",
    "sync_batch_items",
    "sync_batches",
    "sync_channels",
    "sync_incidents",
    "sync_listing_state",
    "sync_operation_budgets",
]

TS = DateTime(timezone=True)

sync_batches = Table(
    "sync_batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("channel", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("command_id", String(100)),
    Column("created_at", TS, nullable=False),
    Column("finished_at", TS),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index(None, "channel", "status"),
)

sync_batch_items = Table(
    "sync_batch_items",
    metadata,
    Column(
        "batch_id",
        String(36),
        ForeignKey("sync_batches.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("offer_id", String(200), primary_key=True),
    Column("sku", String(100), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("previous", Integer),
    Column("observed_at", TS, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("error_code", String(100)),
    Column("error_message", Text),
)

sync_attempts = Table(
    "sync_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(36), ForeignKey("sync_batches.id", ondelete="CASCADE")),
    Column("channel", String(100), nullable=False),
    Column("started_at", TS, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("http_status", Integer),
    Column("error", Text),
    Index(None, "batch_id"),
)

sync_channels = Table(
    "sync_channels",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("budget_requests", Float),
    Column("budget_changes", Float),
    Column("budget_scale", Float, nullable=False, server_default="1"),
    Column("budget_updated_at", TS),
    Column("budget_blocked_until", TS),
    Column("breaker_status", String(16), nullable=False, server_default="closed"),
    Column("breaker_failures", Integer, nullable=False, server_default="0"),
    Column("breaker_opened_at", TS),
    Column("lease_holder", String(100)),
    Column("lease_expires_at", TS),
    Column("last_success_at", TS),
)

sync_operation_budgets = Table(
    "sync_operation_budgets",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("operation", String(32), primary_key=True),
    Column("requests", Float, nullable=False),
    Column("changes", Float, nullable=False),
    Column("scale", Float, nullable=False, server_default="1"),
    Column("updated_at", TS, nullable=False),
    Column("blocked_until", TS),
)

sync_listing_state = Table(
    "sync_listing_state",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("offer_id", String(200), primary_key=True),
    Column("state", String(16), nullable=False, server_default="idle"),
    Column("batch_id", String(36)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", TS),
    Column("failed_quantity", Integer),
    Column("approved_quantity", Integer),  # a released hold's value: not guarded again
    Column("pushed_observed_at", TS),
    Column("error_code", String(100)),
    Column("error_message", Text),
    Column("updated_at", TS),
    Index(None, "channel", "state"),
)

sync_incidents = Table(
    "sync_incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(100), nullable=False),
    Column("offer_id", String(200)),
    Column("kind", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("notified_at", TS),
)
