"""API tokens: create (the secret is shown once), authenticate, list, revoke; roles and ranks.

Only the SHA-256 hash of a secret is stored. Roles are ordered: a viewer reads (never personal
data), an operator also changes stock, policies and holds, an admin also manages tokens and
privacy requests.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from omnistock.domain.errors import DomainError, ErrorCode, InvalidValue
from omnistock.store.token_repository import TokenRow, TokenStore

__all__ = [
    "ApiToken",
    "Role",
    "UnknownToken",
    "active_token",
    "authenticate",
    "create_token",
    "hash_secret",
    "list_tokens",
    "parse_role",
    "revoke_token",
]

PREFIX = "omni_"


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role may do what ``needed`` may do."""
        return self.rank >= needed.rank


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    """A stored token without its secret."""

    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        revoked = self.revoked_at.isoformat() if self.revoked_at else None
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at.isoformat(),
            "revoked_at": revoked,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidValue(f"unknown role {text!r} (allowed: {allowed})", field="role") from None


def create_token(
    store: TokenStore,
    role: Role | str,
    *,
    name: str,
    now: datetime,
    random_text: Callable[[int], str] = secrets.token_urlsafe,
) -> tuple[ApiToken, str]:
    """Store a new token; returns it and its secret (the only time the secret is known)."""
    chosen = parse_role(str(role))
    if not name.strip() or len(name) > 100:
        raise InvalidValue("token name must be 1–100 characters", field="name")
    token_id, secret = random_text(6)[:8], PREFIX + random_text(32)
    store.add(id=token_id, name=name, role=chosen, token_hash=hash_secret(secret), now=now)
    return ApiToken(id=token_id, name=name, role=chosen, created_at=now), secret


def authenticate(store: TokenStore, secret: str) -> ApiToken | None:
    """The active token whose secret this is, or None."""
    if not secret.startswith(PREFIX):
        return None
    row = store.active_by_hash(hash_secret(secret))
    return None if row is None else _token(row)


def active_token(store: TokenStore, token_id: str) -> ApiToken | None:
    """The token with this id if it is not revoked (dashboard sessions re-check it)."""
    row = store.get(token_id)
    return None if row is None or row["revoked_at"] is not None else _token(row)


def list_tokens(store: TokenStore) -> list[ApiToken]:
    return [_token(row) for row in store.list()]


def revoke_token(store: TokenStore, token_id: str, *, now: datetime) -> None:
    """Revoke a token; ``UnknownToken(field="token_id")`` if no active token has this id."""
    if not store.revoke(token_id, now=now):
        raise UnknownToken(f"no active token {token_id!r}", field="token_id")


class UnknownToken(DomainError):
    """No active API token has this id."""

    code = ErrorCode.UNKNOWN_LISTING


def _token(row: TokenRow) -> ApiToken:
    return ApiToken(
        id=str(row["id"]),
        name=str(row["name"]),
        role=Role(row["role"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
