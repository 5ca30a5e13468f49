"""Allegro's OAuth2 device flow: ``start()`` shows a code, ``poll()`` until the seller agrees.

RFC 8628 as Allegro runs it: ``POST /auth/oauth/device`` (HTTP Basic client credentials) gives
``device_code``, ``user_code`` and the page where the seller confirms; the token endpoint answers
``authorization_pending`` until then, ``slow_down`` when polled too often (the interval grows by
5 s), and ``access_denied``/``expired_token`` to stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from omnistock.channels.allegro.errors import Reauthorise, parse_error
from omnistock.channels.allegro.tokens import TokenPair, TokenStore
from omnistock.channels.base import PermanentChannelError
from omnistock.channels.http import ChannelHttp, error_details, json_body

__all__ = ["DEVICE_GRANT", "DeviceCode", "DeviceFlow", "authorise"]

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_WAIT = frozenset({"authorization_pending", "slow_down"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceCode:
    """What to show the seller, and what to poll with."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    interval: float
    expires_at: datetime


class DeviceFlow:
    """One device authorisation; the tokens go to ``store`` when the seller agrees."""

    def __init__(
        self,
        *,
        http: ChannelHttp,
        client_id: str,
        client_secret: str,
        store: TokenStore,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._client_id = client_id
        self._auth = (client_id, client_secret)
        self._store = store
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self.interval = 5.0

    def start(self) -> DeviceCode:
        """Ask for a device code; show ``verification_uri_complete`` (or the URI + user code)."""
        response = self._http.request(
            "POST", "/auth/oauth/device", data={"client_id": self._client_id}, auth=self._auth
        )
        body = json_body(response, self._http.channel)
        self.interval = float(body.get("interval", 5))
        uri = str(body.get("verification_uri", ""))
        return DeviceCode(
            device_code=str(body["device_code"]),
            user_code=str(body["user_code"]),
            verification_uri=uri,
            verification_uri_complete=str(body.get("verification_uri_complete", uri)),
            interval=self.interval,
            expires_at=self._clock() + timedelta(seconds=int(body.get("expires_in", 3600))),
        )

    def poll_once(self, code: DeviceCode) -> TokenPair | None:
        """One token-endpoint poll: the saved pair, or None while the seller has not agreed."""
        params = {"grant_type": DEVICE_GRANT, "device_code": code.device_code}
        try:
            response = self._http.request(
                "POST", "/auth/oauth/token", params=params, auth=self._auth
            )
        except PermanentChannelError as exc:
            reason = error_details(exc)["api_code"]
            if reason not in _WAIT:
                raise Reauthorise(str(exc), channel=exc.channel) from exc
            if reason == "slow_down":
                self.interval += 5
            return None
        pair = TokenPair.from_response(json_body(response, self._http.channel), self._clock())
        self._store.save(pair)
        return pair

    def poll(self, code: DeviceCode) -> TokenPair:
        """Poll every ``interval`` seconds until tokens arrive or the code expires."""
        while self._clock() < code.expires_at:
            self._sleep(self.interval)
            pair = self.poll_once(code)
            if pair is not None:
                return pair
        raise Reauthorise("allegro: the device code expired", channel=self._http.channel)


def authorise(
    *,
    auth_url: str,
    client_id: str,
    client_secret: str,
    store: TokenStore,
    show: Callable[[DeviceCode], None],
    sleep: Callable[[float], None] = time.sleep,
    channel: str = "allegro",
) -> TokenPair:
    """The whole flow for a CLI (``omnistock channel auth NAME``): show the code, wait, store."""
    http = ChannelHttp(channel=channel, base_url=auth_url, parse_error=parse_error)
    try:
        flow = DeviceFlow(
            http=http, client_id=client_id, client_secret=client_secret, store=store, sleep=sleep
        )
        code = flow.start()
        show(code)
        return flow.poll(code)
    finally:
        http.close()
