"""Dashboard sessions: a signed cookie naming the API token and a per-session CSRF token.

Cookie ``omnistock_session`` = ``<token id>.<csrf>.<HMAC-SHA256>``, ``HttpOnly``,
``SameSite=Strict``. Every POST must carry the session's CSRF token in the form field ``csrf``;
the login form uses a double-submit nonce (cookie ``omnistock_login`` = hidden field). Each
request re-checks that the token is still active, so revoking a token ends its sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Response

__all__ = ["LOGIN_COOKIE", "SESSION_COOKIE", "Session", "issue", "read", "same"]

SESSION_COOKIE = "omnistock_session"
LOGIN_COOKIE = "omnistock_login"
LIFETIME_S = 12 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    token_id: str
    csrf: str


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def issue(response: Response, key: bytes, token_id: str) -> Session:
    """Start a session for ``token_id`` on ``response``."""
    session = Session(token_id=token_id, csrf=secrets.token_urlsafe(24))
    payload = f"{session.token_id}.{session.csrf}"
    response.set_cookie(
        SESSION_COOKIE,
        f"{payload}.{_sign(key, payload)}",
        max_age=LIFETIME_S,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return session


def read(key: bytes, cookie: str | None) -> Session | None:
    """The session of a cookie whose signature is valid, else None."""
    parts = (cookie or "").split(".")
    if len(parts) != 3:
        return None
    token_id, csrf, signature = parts
    if not hmac.compare_digest(_sign(key, f"{token_id}.{csrf}"), signature):
        return None
    return Session(token_id=token_id, csrf=csrf)


def same(expected: str, given: str | None) -> bool:
    """Constant-time comparison of CSRF values (an empty value never matches)."""
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given or "")
