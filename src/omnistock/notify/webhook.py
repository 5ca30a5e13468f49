"""Webhook: a JSON ``POST`` signed with HMAC-SHA256, readable by Slack and Teams.

The body carries ``text`` (what Slack and Teams incoming webhooks display) plus structured
fields. ``X-Omnistock-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes
with the shared secret; receivers check it with :func:`verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import httpx

from omnistock.domain.incidents import Notification, Via
from omnistock.notify.result import DeliveryResult, DeliveryStatus
from omnistock.notify.sms import request_id

__all__ = [
    "SIGNATURE_HEADER",
    "WebhookSender",
    "WebhookSettings",
    "payload",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Omnistock-Signature"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookSettings:
    url: str
    secret: str
    timeout_s: float = 10.0


def sign(body: bytes, secret: str) -> str:
    """``sha256=<hex HMAC-SHA256 of body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """Constant-time check of a signature header against the body."""
    return header is not None and hmac.compare_digest(sign(body, secret), header)


def payload(notification: Notification) -> bytes:
    """The JSON body (UTF-8, keys sorted) for one notification."""
    data = {
        "text": f"{notification.subject}\n{notification.text}",
        "title": notification.subject,
        "kind": notification.kind,
        "severity": notification.severity,
        "key": notification.key,
        "incident_ids": list(notification.incident_ids),
        "counts": list(notification.counts),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


class WebhookSender:
    via = Via.WEBHOOK

    def __init__(self, settings: WebhookSettings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self._client = client or httpx.Client(timeout=settings.timeout_s)

    def close(self) -> None:
        self._client.close()

    def send(self, notification: Notification) -> DeliveryResult:
        body = payload(notification)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(body, self.settings.secret),
            "X-Omnistock-Delivery": request_id(notification.key),
        }
        try:
            response = self._client.post(self.settings.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return _result(DeliveryStatus.RETRYABLE, f"transport: {type(exc).__name__}", None)
        code = response.status_code
        if 200 <= code < 300:
            return _result(DeliveryStatus.SENT, f"HTTP {code}", code)
        retry = code in (408, 425, 429) or code >= 500
        status = DeliveryStatus.RETRYABLE if retry else DeliveryStatus.FAILED
        return _result(status, f"HTTP {code}", code)


def _result(status: DeliveryStatus, detail: str, code: int | None) -> DeliveryResult:
    return DeliveryResult(
        via=Via.WEBHOOK, status=status, detail=detail, code=None if code is None else str(code)
    )
