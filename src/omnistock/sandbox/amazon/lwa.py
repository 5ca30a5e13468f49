"""Login with Amazon: access tokens for refresh tokens, valid one hour of sandbox time."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["ACCESS_TOKEN_TTL", "LwaError", "LwaTokens", "TokenCheck"]

ACCESS_TOKEN_TTL = timedelta(seconds=3600)
_FORGET = timedelta(days=1)


class TokenCheck(StrEnum):
    """Outcome of checking an ``x-amz-access-token``."""

    VALID = "valid"
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class LwaError(Exception):
    """An OAuth error as LWA answers it: HTTP status, ``error`` and ``error_description``."""

    status: int
    error: str
    description: str


class LwaTokens:
    """Issues and checks access tokens; the refresh tokens are fixed grants."""

    def __init__(self, client_id: str, client_secret: str, refresh_tokens: set[str]) -> None:
        self._client = (client_id, client_secret)
        self._refresh_tokens = refresh_tokens
        self._expiry: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def grant(self, form: dict[str, str], now: datetime) -> str:
        """Exchange a ``refresh_token`` grant for a new access token, or raise ``LwaError``."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise _missing("grant_type")
        if grant_type != "refresh_token":
            raise LwaError(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server",
            )
        for name in ("refresh_token", "client_id", "client_secret"):
            if not form.get(name):
                raise _missing(name)
        if (form["client_id"], form["client_secret"]) != self._client:
            raise LwaError(401, "invalid_client", "Client authentication failed")
        if form["refresh_token"] not in self._refresh_tokens:
            raise LwaError(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        return self._issue(now)

    def _issue(self, now: datetime) -> str:
        token = "Atza|" + secrets.token_urlsafe(48)
        with self._lock:
            # forget tokens a day after they expired (until then they answer "expired")
            self._expiry = {t: at for t, at in self._expiry.items() if at > now - _FORGET}
            self._expiry[token] = now + ACCESS_TOKEN_TTL
        return token

    def check(self, token: str | None, now: datetime) -> TokenCheck:
        """Whether ``token`` may call the SP-API at ``now``."""
        if not token:
            return TokenCheck.MISSING
        with self._lock:
            expiry = self._expiry.get(token)
        if expiry is None:
            return TokenCheck.INVALID
        return TokenCheck.VALID if now < expiry else TokenCheck.EXPIRED

    def reset(self) -> None:
        """Forget every issued access token."""
        with self._lock:
            self._expiry.clear()


def _missing(name: str) -> LwaError:
    return LwaError(400, "invalid_request", f"The request is missing a required parameter : {name}")
