"""Table of channel OAuth tokens (Allegro): one row per channel account, secrets sealed.

``access_token`` and ``refresh_token`` hold ``omnistock.privacy`` sealed values when keys are
configured (plain text otherwise); ``refresh_hash`` is the SHA-256 of the refresh token, the
compare-and-swap key of a save. ``lease_holder``/``lease_until`` make one refresher at a time
across processes.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from omnistock.store.tables import metadata

__all__ = ["channel_tokens"]

TS = DateTime(timezone=True)

channel_tokens = Table(
    "channel_tokens",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("access_token", Text),
    Column("refresh_token", Text),
    Column("refresh_hash", String(64)),
    Column("expires_at", TS),
    Column("version", Integer, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("lease_holder", String(100)),
    Column("lease_until", TS),
)
