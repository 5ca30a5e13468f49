"""Authorised calls to Allegro's REST API: media type, bearer token, one refresh on 401."""

from __future__ import annotations

import json
from typing import Any

import httpx

from omnistock.channels.allegro.tokens import AllegroTokens
from omnistock.channels.base import PermanentChannelError
from omnistock.channels.http import ChannelHttp, json_body

__all__ = ["MEDIA_TYPE", "AllegroApi"]

MEDIA_TYPE = "application/vnd.allegro.public.v1+json"


class AllegroApi:
    """``api.allegro.pl`` (or a sandbox) for one seller account."""

    def __init__(self, http: ChannelHttp, tokens: AllegroTokens) -> None:
        self.http = http
        self.tokens = tokens

    @property
    def channel(self) -> str:
        return self.http.channel

    def request(
        self, method: str, url: str, *, offer_id: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send with the current access token; on 401 refresh once and resend."""
        token = self.tokens.access_token()
        try:
            return self._send(method, url, token, offer_id, kwargs)
        except PermanentChannelError as exc:
            if exc.http_status != 401:
                raise
        fresh = self.tokens.refresh(stale=token).access_token
        return self._send(method, url, fresh, offer_id, kwargs)

    def _send(
        self, method: str, url: str, token: str, offer_id: str | None, kwargs: dict[str, Any]
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE}
        body = kwargs.get("json")
        if "json" in kwargs:
            headers["Content-Type"] = MEDIA_TYPE
            kwargs = {k: v for k, v in kwargs.items() if k != "json"}
            kwargs["content"] = json.dumps(body).encode()
        return self.http.request(method, url, offer_id=offer_id, headers=headers, **kwargs)

    def json(self, method: str, url: str, *, offer_id: str | None = None, **kwargs: Any) -> Any:
        """``request`` and decode the JSON body."""
        response = self.request(method, url, offer_id=offer_id, **kwargs)
        return json_body(response, self.channel, offer_id)
