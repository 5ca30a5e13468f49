"""Table of the ``velocity`` strategy's shares: the last rebalance of each SKU per channel.

``velocity_shares`` holds, per (SKU, channel account), the fraction (0–1, 6 places) of sellable
the last rebalance gave; the next rebalance moves from it at most the policy's ``max_step``.
It shares the store's ``metadata`` so the migration-vs-models check covers it.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Numeric, String, Table

from omnistock.store.tables import metadata

__all__ = ["velocity_shares"]

velocity_shares = Table(
    "velocity_shares",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("channel", String(100), primary_key=True),
    Column("share", Numeric(7, 6), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
