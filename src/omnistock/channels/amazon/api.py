"""SP-API calls for one seller: LWA access tokens (refreshed before expiry) and error bodies.

Login with Amazon: ``POST <token_url>`` with ``grant_type=refresh_token``, the app's client id
and secret and the seller's (non-rotating) refresh token gives a one-hour access token, sent as
``x-amz-access-token``. SP-API errors are ``{"errors": [{"code", "message", "details"}]}``;
429 ``QuotaExceeded`` carries no ``Retry-After``. A 403 is retried once with a fresh token.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from omnistock.channels.base import PermanentChannelError
from omnistock.channels.http import ApiError, ChannelHttp, HttpSettings, json_body

__all__ = ["LwaTokens", "SpApi", "parse_error"]


def parse_error(response: httpx.Response) -> ApiError:
    """The first SP-API error, or LWA's ``{"error", "error_description"}``."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return ApiError()
    if not isinstance(body, dict):
        return ApiError()
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return ApiError(code=first.get("code"), message=first.get("message"))
    if "error" in body:
        return ApiError(code=str(body["error"]), message=body.get("error_description"))
    return ApiError()


class LwaTokens:
    """The current LWA access token, refreshed ``skew`` before it expires (thread-safe)."""

    def __init__(
        self,
        *,
        http: ChannelHttp,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        clock: Callable[[], datetime],
        skew: timedelta = timedelta(minutes=1),
    ) -> None:
        self._http = http
        self._url = token_url
        self._form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._clock = clock
        self._skew = skew
        self._lock = threading.Lock()
        self._token: tuple[str, datetime] | None = None

    def access_token(self, *, stale: str | None = None) -> str:
        with self._lock:
            if (
                self._token
                and self._token[0] != stale
                and self._token[1] - self._skew > self._clock()
            ):
                return self._token[0]
            body = json_body(
                self._http.request("POST", self._url, data=self._form), self._http.channel
            )
            token = str(body["access_token"])
            self._token = (
                token,
                self._clock() + timedelta(seconds=int(body.get("expires_in", 3600))),
            )
            return token


class SpApi:
    """Authorised requests to one SP-API region endpoint."""

    def __init__(
        self,
        *,
        channel: str,
        api_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        settings: HttpSettings,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        clock = clock or (lambda: datetime.now(UTC))
        common: dict[str, Any] = {"parse_error": parse_error, "settings": settings, "clock": clock}
        self.http = ChannelHttp(channel=channel, base_url=api_url, **common)
        self.lwa_http = ChannelHttp(channel=channel, base_url=token_url, **common)
        self.tokens = LwaTokens(
            http=self.lwa_http,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            clock=clock,
        )

    @property
    def channel(self) -> str:
        return self.http.channel

    def close(self) -> None:
        self.http.close()
        self.lwa_http.close()

    def request(
        self, method: str, url: str, *, offer_id: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        token = self.tokens.access_token()
        try:
            return self._send(method, url, token, offer_id, kwargs)
        except PermanentChannelError as exc:
            if exc.http_status != 403:
                raise
        return self._send(method, url, self.tokens.access_token(stale=token), offer_id, kwargs)

    def _send(
        self, method: str, url: str, token: str, offer_id: str | None, kwargs: dict[str, Any]
    ) -> httpx.Response:
        headers = {"x-amz-access-token": token, "Accept": "application/json"}
        return self.http.request(method, url, offer_id=offer_id, headers=headers, **kwargs)

    def json(self, method: str, url: str, *, offer_id: str | None = None, **kwargs: Any) -> Any:
        return json_body(self.request(method, url, offer_id=offer_id, **kwargs), self.channel)
