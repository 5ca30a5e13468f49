"""Authentication with a KSeF token: challenge → encrypted token → status → redeem → refresh.

The token is encrypted as ``"{token}|{challenge timestampMs}"`` with RSA-OAEP under the
certificate whose usage is ``KsefTokenEncryption``; the authentication JWT is then polled at
``/auth/{ref}`` and redeemed **once** for an access token (minutes) and a refresh token (days).
``bearer()`` refreshes the access token shortly before it expires, and logs in again when the
refresh token is gone or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509

from omnistock.invoicing.ksef.crypto import encrypt_token, load_certificate, public_key_id
from omnistock.invoicing.ksef.errors import KsefAuthFailed
from omnistock.invoicing.ksef.http import KsefHttp
from omnistock.invoicing.ksef.poll import Poller

__all__ = ["KsefAuth", "PublicKeys", "TokenPair", "fetch_public_keys"]

MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicKeys:
    """The Ministry's certificates: one for KSeF tokens, one for AES session keys."""

    token: x509.Certificate
    symmetric: x509.Certificate


def _pick(items: list[dict[str, Any]], usage: str, now: datetime) -> x509.Certificate:
    valid = [
        i
        for i in items
        if usage in _usages(i)
        and datetime.fromisoformat(i["validFrom"]) <= now < datetime.fromisoformat(i["validTo"])
    ]
    if not valid:
        raise KsefAuthFailed(f"KSeF publishes no valid {usage} certificate")
    newest = max(valid, key=lambda i: datetime.fromisoformat(i["validFrom"]))
    return load_certificate(newest["certificate"])


def _usages(item: dict[str, Any]) -> list[str]:
    usage = item.get("usage", [])
    return [usage] if isinstance(usage, str) else list(usage)


def fetch_public_keys(http: KsefHttp, now: datetime) -> PublicKeys:
    """``GET /security/public-key-certificates`` → the valid certificate of each usage."""
    items = http.call("GET", "/security/public-key-certificates").json()
    return PublicKeys(
        token=_pick(items, "KsefTokenEncryption", now),
        symmetric=_pick(items, "SymmetricKeyEncryption", now),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenPair:
    """Access and refresh JWTs with their expiry (aware UTC)."""

    access: str
    access_until: datetime
    refresh: str
    refresh_until: datetime


def _until(info: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(info["validUntil"]).astimezone(UTC)


class KsefAuth:
    """Holds the seller's tokens and hands out a valid access token."""

    def __init__(
        self,
        http: KsefHttp,
        keys: Callable[[], PublicKeys],
        *,
        nip: str,
        token: str,
        poller: Poller,
        now: Callable[[], datetime],
    ) -> None:
        self._http, self._keys, self._poller, self._now = http, keys, poller, now
        self._nip, self._token = nip, token
        self.tokens: TokenPair | None = None

    def bearer(self) -> str:
        """A valid access token: refreshed before expiry, or a new login."""
        now = self._now()
        tokens = self.tokens
        if tokens is None or tokens.refresh_until - MARGIN <= now:
            return self.login().access
        if tokens.access_until - MARGIN <= now:
            return self.refresh().access
        return tokens.access

    def renew(self) -> str:
        """A new access token now (after KSeF refused the current one)."""
        if self.tokens is None or self.tokens.refresh_until - MARGIN <= self._now():
            return self.login().access
        return self.refresh().access

    def login(self) -> TokenPair:
        """The full token flow; raises ``KsefAuthFailed`` when KSeF refuses the token."""
        challenge = self._http.call("POST", "/auth/challenge").json()
        certificate = self._keys().token
        body = {
            "challenge": challenge["challenge"],
            "contextIdentifier": {"type": "Nip", "value": self._nip},
            "encryptedToken": encrypt_token(certificate, self._token, challenge["timestampMs"]),
            "publicKeyId": public_key_id(certificate),
        }
        started = self._http.call("POST", "/auth/ksef-token", json=body).json()
        auth_token = started["authenticationToken"]["token"]
        self._wait_authenticated(started["referenceNumber"], auth_token)
        redeemed = self._http.call("POST", "/auth/token/redeem", bearer=auth_token).json()
        self.tokens = TokenPair(
            access=redeemed["accessToken"]["token"],
            access_until=_until(redeemed["accessToken"]),
            refresh=redeemed["refreshToken"]["token"],
            refresh_until=_until(redeemed["refreshToken"]),
        )
        return self.tokens

    def refresh(self) -> TokenPair:
        """A new access token from the refresh token (a new login if it is refused)."""
        assert self.tokens is not None
        try:
            answer = self._http.call("POST", "/auth/token/refresh", bearer=self.tokens.refresh)
        except KsefAuthFailed:
            return self.login()
        access = answer.json()["accessToken"]
        self.tokens = TokenPair(
            access=access["token"],
            access_until=_until(access),
            refresh=self.tokens.refresh,
            refresh_until=self.tokens.refresh_until,
        )
        return self.tokens

    def _wait_authenticated(self, reference: str, auth_token: str) -> None:
        def check() -> dict[str, Any] | None:
            status = self._http.call("GET", f"/auth/{reference}", bearer=auth_token).json()
            return None if status["status"]["code"] == 100 else status["status"]

        status = self._poller.until(check, what="authentication", reference=reference)
        if status["code"] != 200:
            details = "; ".join(status.get("details") or [])
            raise KsefAuthFailed(
                f"KSeF authentication failed ({status['code']} {status['description']}"
                f"{': ' + details if details else ''})",
                status=status["code"],
            )
