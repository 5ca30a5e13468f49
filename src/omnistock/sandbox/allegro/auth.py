"""Allegro's OAuth2 server: device flow, authorization code (with PKCE), refresh, bearer checks.

Lifetimes follow Allegro: access tokens 12 h (``expires_in: 43199``), refresh tokens 3 months and
single-use (every refresh returns a new pair and the old refresh token stops working), device
codes 3600 s with a 5 s polling interval. Times are sandbox seconds (``SandboxClock``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from omnistock.sandbox.allegro.errors import AuthFailure
from omnistock.sandbox.common.clock import SandboxClock

__all__ = ["SCOPES", "AuthServer", "Consent", "DeviceGrant", "Token"]

ACCESS_TTL = 43_199
REFRESH_TTL = 90 * 24 * 3600
DEVICE_TTL = 3600
DEVICE_INTERVAL = 5
CODE_TTL = 600
SCOPES = " ".join(
    f"allegro:api:{name}"
    for name in ("orders:read", "orders:write", "sale:offers:read", "sale:offers:write")
)


class Consent(StrEnum):
    """Where the seller stands on a device code."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


@dataclass(slots=True, kw_only=True)
class DeviceGrant:
    """One device code waiting for the seller's consent."""

    device_code: str
    user_code: str
    client_id: str
    expires_at: float
    consent: Consent = Consent.PENDING
    last_poll: float | None = None


@dataclass(slots=True, kw_only=True)
class _CodeGrant:
    client_id: str
    redirect_uri: str
    expires_at: float
    challenge: str | None
    method: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Token:
    """An issued access token."""

    value: str
    client_id: str
    seller_id: str | None
    expires_at: float


class AuthServer:
    """Issues and checks tokens for one sandbox seller account."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        seller_id: str,
        manual_consent: bool,
        clock: SandboxClock,
        rng: random.Random,
    ) -> None:
        self.client_id, self._secret = client_id, client_secret
        self.seller_id, self.manual_consent = seller_id, manual_consent
        self._clock, self._rng = clock, rng
        self.devices: dict[str, DeviceGrant] = {}
        self._codes: dict[str, _CodeGrant] = {}
        self._access: dict[str, Token] = {}
        self._refresh: dict[str, tuple[str, float]] = {}

    def check_client(self, authorization: str | None) -> str:
        """The client id from HTTP Basic credentials; 401 if missing or wrong."""
        if not authorization or not authorization.lower().startswith("basic "):
            raise AuthFailure(
                401, "unauthorized", "Full authentication is required to access this resource"
            )
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthFailure(401, "invalid_client", "Bad client credentials") from exc
        client_id, _, secret = raw.partition(":")
        if client_id != self.client_id or secret != self._secret:
            raise AuthFailure(401, "invalid_client", "Bad client credentials")
        return client_id

    def start_device(self, client_id: str) -> DeviceGrant:
        """Register a new device code."""
        grant = DeviceGrant(
            device_code=self._secret_token(32),
            user_code="".join(self._rng.choices("abcdefghjkmnpqrstuvwxyz23456789", k=9)),
            client_id=client_id,
            expires_at=self._clock.elapsed_seconds() + DEVICE_TTL,
        )
        self.devices[grant.device_code] = grant
        return grant

    def poll_device(self, client_id: str, device_code: str | None) -> dict[str, Any]:
        """One token-endpoint poll for a device code (RFC 8628 answers)."""
        grant = self.devices.get(device_code or "")
        if grant is None or grant.client_id != client_id:
            raise AuthFailure(400, "invalid_request", "Invalid device code")
        now = self._clock.elapsed_seconds()
        if now >= grant.expires_at:
            raise AuthFailure(400, "expired_token", "Device code expired")
        polled_before, grant.last_poll = grant.last_poll, now
        if polled_before is not None and now - polled_before < DEVICE_INTERVAL:
            raise AuthFailure(400, "slow_down", "Polling too frequently, slow down")
        if grant.consent is Consent.DENIED:
            raise AuthFailure(400, "access_denied", "User denied access to the application")
        if grant.consent is Consent.PENDING:
            if not self.manual_consent:
                grant.consent = Consent.APPROVED
            raise AuthFailure(
                400, "authorization_pending", "User has not authorized the device code yet."
            )
        del self.devices[grant.device_code]
        return self._issue(client_id)

    def confirm(self, user_code: str, *, approve: bool = True) -> bool:
        """The seller approves (or denies) the device code shown as ``user_code``."""
        for grant in self.devices.values():
            if grant.user_code == user_code and grant.consent is Consent.PENDING:
                grant.consent = Consent.APPROVED if approve else Consent.DENIED
                return True
        return False

    def issue_code(
        self, client_id: str, redirect_uri: str, challenge: str | None, method: str
    ) -> str:
        """An authorization code for the seller (who consents at once)."""
        code = self._secret_token(16)
        self._codes[code] = _CodeGrant(
            client_id=client_id,
            redirect_uri=redirect_uri,
            expires_at=self._clock.elapsed_seconds() + CODE_TTL,
            challenge=challenge,
            method=method,
        )
        return code

    def exchange_code(
        self, client_id: str, code: str | None, redirect_uri: str | None, verifier: str | None
    ) -> dict[str, Any]:
        """``grant_type=authorization_code``: the code is single-use and bound to redirect_uri."""
        grant = self._codes.pop(code or "", None)
        if grant is None or grant.client_id != client_id:
            raise AuthFailure(400, "invalid_grant", f"Invalid authorization code: {code}")
        if grant.expires_at <= self._clock.elapsed_seconds():
            raise AuthFailure(400, "invalid_grant", f"Invalid authorization code: {code}")
        if redirect_uri != grant.redirect_uri:
            raise AuthFailure(400, "invalid_grant", "Redirect URI mismatch.")
        if grant.challenge is not None and not _pkce_ok(grant, verifier):
            raise AuthFailure(400, "invalid_grant", "Invalid code verifier")
        return self._issue(client_id)

    def has_public_code(self, code: str | None) -> bool:
        """Whether ``code`` was issued with PKCE (a public client may omit its secret)."""
        grant = self._codes.get(code or "")
        return grant is not None and grant.challenge is not None

    def refresh(self, client_id: str, refresh_token: str | None) -> dict[str, Any]:
        """``grant_type=refresh_token``: a new pair; the used refresh token dies."""
        owner = self._refresh.pop(refresh_token or "", None)
        if owner is None or owner[0] != client_id or owner[1] <= self._clock.elapsed_seconds():
            raise AuthFailure(400, "invalid_grant", f"Invalid refresh token: {refresh_token}")
        return self._issue(client_id)

    def client_credentials(self, client_id: str) -> dict[str, Any]:
        """``grant_type=client_credentials``: an application token (no seller, no refresh)."""
        return self._issue(client_id, seller=False)

    def authenticate(self, authorization: str | None) -> Token:
        """The token behind ``Authorization: Bearer …``; 401 otherwise."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthFailure(
                401, "unauthorized", "Full authentication is required to access this resource"
            )
        value = authorization[7:].strip()
        token = self._access.get(value)
        if token is None:
            raise AuthFailure(401, "invalid_token", f"Invalid access token: {value[:12]}...")
        if token.expires_at <= self._clock.elapsed_seconds():
            raise AuthFailure(401, "invalid_token", f"Access token expired: {value[:12]}...")
        return token

    def _issue(self, client_id: str, *, seller: bool = True) -> dict[str, Any]:
        now = self._clock.elapsed_seconds()
        access = self._secret_token(48)
        self._access[access] = Token(
            value=access,
            client_id=client_id,
            seller_id=self.seller_id if seller else None,
            expires_at=now + ACCESS_TTL + 1,
        )
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": ACCESS_TTL,
            "scope": SCOPES,
            "allegro_api": True,
            "iss": "https://allegro.pl",
            "jti": self._secret_token(16),
        }
        if seller:
            refresh = self._secret_token(48)
            self._refresh[refresh] = (client_id, now + REFRESH_TTL)
            body["refresh_token"] = refresh
        return body

    def _secret_token(self, size: int) -> str:
        raw = self._rng.getrandbits(size * 8).to_bytes(size, "big")
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _pkce_ok(grant: _CodeGrant, verifier: str | None) -> bool:
    if not verifier:
        return False
    if grant.method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=") == grant.challenge
    return verifier == grant.challenge
