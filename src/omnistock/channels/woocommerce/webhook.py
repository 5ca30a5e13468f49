"""WooCommerce webhook verification (a pure function; the HTTP receiver comes with the REST API).

WooCommerce signs a delivery with ``X-WC-Webhook-Signature`` = base64 of HMAC-SHA256 over the
exact request body, keyed with the webhook's secret. When a webhook is activated it first sends
an unsigned ping: a form body ``webhook_id=<id>`` without any ``X-WC-*`` header, which must get
HTTP 200 and nothing else. Verify on the raw bytes, before parsing, in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from enum import StrEnum

__all__ = ["SIGNATURE_HEADER", "WebhookVerdict", "sign", "verify_webhook"]

SIGNATURE_HEADER = "x-wc-webhook-signature"
_PING = re.compile(rb"^webhook_id=\d+$")


class WebhookVerdict(StrEnum):
    VALID = "valid"  # signed by the shop: process it
    PING = "ping"  # the activation ping: answer 200, store nothing
    INVALID = "invalid"  # answer 401, store nothing


def sign(body: bytes, secret: str) -> str:
    """The signature WooCommerce sends for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_webhook(headers: Mapping[str, str], body: bytes, secret: str) -> WebhookVerdict:
    """Classify one delivery; ``headers`` are matched case-insensitively."""
    lowered = {k.lower(): v for k, v in headers.items()}
    signature = lowered.get(SIGNATURE_HEADER)
    if signature is None:
        unsigned_ping = not any(k.startswith("x-wc-webhook-") for k in lowered)
        return (
            WebhookVerdict.PING
            if unsigned_ping and _PING.match(body.strip())
            else WebhookVerdict.INVALID
        )
    expected = sign(body, secret)
    if secret and hmac.compare_digest(signature.strip().encode(), expected.encode()):
        return WebhookVerdict.VALID
    return WebhookVerdict.INVALID
