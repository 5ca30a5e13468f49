"""API tokens in the database: add, find by hash, list, revoke (SQL for ``service.tokens``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from omnistock.store.token_tables import api_tokens

__all__ = ["TokenRow", "TokenStore"]

TokenRow = dict[str, Any]
"""``id``, ``name``, ``role``, ``created_at``, ``revoked_at`` (aware UTC or None)."""

_PUBLIC = (
    api_tokens.c.id,
    api_tokens.c.name,
    api_tokens.c.role,
    api_tokens.c.created_at,
    api_tokens.c.revoked_at,
)


def _row(mapping: Any) -> TokenRow:
    row = dict(mapping)
    for key in ("created_at", "revoked_at"):
        value = row.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            row[key] = value.replace(tzinfo=UTC)
    return row


class TokenStore:
    """Each method is its own short transaction on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, *, id: str, name: str, role: str, token_hash: str, now: datetime) -> None:
        values = {"id": id, "name": name, "role": role, "token_hash": token_hash}
        with self.engine.begin() as conn:
            conn.execute(insert(api_tokens).values(**values, created_at=now))

    def active_by_hash(self, token_hash: str) -> TokenRow | None:
        """The unrevoked token with this hash, or None."""
        query = select(*_PUBLIC).where(
            api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).mappings().first()
        return None if found is None else _row(found)

    def get(self, token_id: str) -> TokenRow | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(*_PUBLIC).where(api_tokens.c.id == token_id))
            row = found.mappings().first()
        return None if row is None else _row(row)

    def list(self) -> list[TokenRow]:
        query = select(*_PUBLIC).order_by(api_tokens.c.created_at, api_tokens.c.id)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def revoke(self, token_id: str, *, now: datetime) -> bool:
        """Mark a token revoked; False if unknown or already revoked."""
        query = (
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount == 1
