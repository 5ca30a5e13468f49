"""Table of API tokens: only the SHA-256 hash of each secret is stored, never the secret."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, String, Table

from omnistock.store.tables import metadata

__all__ = ["api_tokens"]

TS = DateTime(timezone=True)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("revoked_at", TS),
)
