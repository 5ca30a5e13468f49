"""Webhook deliveries sent by a background asyncio task, as WooCommerce's queue sends them.

Each delivery is a POST of the resource JSON (``wp_json_encode``: ASCII, escaped slashes) with
the ``X-WC-Webhook-*`` headers and a base64 HMAC-SHA256 signature of those exact bytes. The
activation ping is an unsigned form body ``webhook_id=<id>`` with no ``X-WC`` headers. Under the
``duplicate_event_rate`` fault a delivery is sent twice (same delivery id); under
``reorder_events`` each delivery waits a random time so later events can overtake earlier ones.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from omnistock.sandbox.common.faults import FaultInjector
from omnistock.sandbox.woocommerce.webhooks import Webhook, WebhookRegistry

log = logging.getLogger(__name__)
USER_AGENT = "WooCommerce/9.4.0 Hookshot (WordPress/6.7.1)"
DELIVERY_TIMEOUT_SECONDS = 10.0
REORDER_WINDOW_SECONDS = 3.0
_POLL_SECONDS = 0.05


Payload = Callable[[], Any]
"""Builds the resource JSON when the delivery is sent (``WC_Webhook::build_payload``)."""


@dataclass(slots=True, kw_only=True)
class Delivery:
    """One queued delivery; the body is built on first send and reused by its duplicate."""

    webhook_id: int
    topic: str
    payload: Payload
    delivery_id: str
    ping: bool = False
    body: bytes | None = None

    def encoded(self) -> bytes:
        if self.body is None:
            self.body = wp_json(self.payload())
        return self.body


def wp_json(payload: Any) -> bytes:
    """``trim(wp_json_encode($payload))``: compact, ASCII-escaped, slashes escaped."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def signature(body: bytes, secret: str) -> str:
    """``base64_encode(hash_hmac('sha256', $body, $secret, true))``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class Dispatcher:
    """Queue of pending deliveries and the task that sends them, one at a time."""

    def __init__(
        self,
        registry: WebhookRegistry,
        now: Callable[[], datetime],
        rng: random.Random,
        injector: FaultInjector,
    ) -> None:
        self.registry = registry
        self.now = now
        self.rng = rng
        self.injector = injector
        self.log: list[dict[str, Any]] = []
        self._pending: list[tuple[datetime, int, Delivery]] = []
        self._seq = 0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def _ensure_started(self) -> asyncio.Event:
        """Start the sender in the running loop on first use (servers may run no lifespan)."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run(self._wake))
        assert self._wake is not None
        return self._wake

    def clear(self) -> None:
        self._pending.clear()
        self.log.clear()

    def emit(self, topic: str, payload: Payload) -> None:
        """Queue a delivery to every active webhook subscribed to ``topic``.

        As in WooCommerce, the payload is the resource as it is when the delivery is sent.
        """
        for hook in self.registry.subscribed(topic):
            delivery = Delivery(
                webhook_id=hook.id, topic=topic, payload=payload, delivery_id=secrets.token_hex(16)
            )
            self._queue(delivery, self._delay())
            if self.injector.duplicate_event():
                self._queue(delivery, self._delay() + 0.01)

    def ping(self, hook: Webhook) -> None:
        ping = Delivery(webhook_id=hook.id, topic="", payload=dict, delivery_id="", ping=True)
        ping.body = f"webhook_id={hook.id}".encode()
        self._queue(ping, 0.0)

    def _delay(self) -> float:
        reorder = self.injector.config.reorder_events
        return self.rng.uniform(0.0, REORDER_WINDOW_SECONDS) if reorder else 0.0

    def _queue(self, delivery: Delivery, delay: float) -> None:
        self._seq += 1
        self._pending.append((self.now() + timedelta(seconds=delay), self._seq, delivery))
        self._ensure_started().set()

    def _take_due(self) -> Delivery | None:
        if not self._pending:
            return None
        entry = min(self._pending, key=lambda e: (e[0], e[1]))
        if entry[0] > self.now():
            return None
        self._pending.remove(entry)
        return entry[2]

    async def _run(self, wake: asyncio.Event) -> None:
        async with httpx.AsyncClient(
            timeout=DELIVERY_TIMEOUT_SECONDS, follow_redirects=False
        ) as client:
            while True:
                delivery = self._take_due()
                if delivery is None:
                    wake.clear()
                    timeout = _POLL_SECONDS if self._pending else None
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout)
                    continue
                try:
                    await self._send(client, delivery)
                except Exception:  # the sender must survive anything a receiver does
                    log.exception("webhook delivery crashed webhook_id=%s", delivery.webhook_id)

    async def _send(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        hook = self.registry.hooks.get(delivery.webhook_id)
        if hook is None or (not delivery.ping and hook.status != "active"):
            return
        status, error = await self._post(client, hook, delivery)
        ok = status is not None and 200 <= status < 303
        if not delivery.ping:
            hook.record_result(ok)
        self.log.append(
            {
                "webhook_id": hook.id,
                "topic": delivery.topic or "ping",
                "delivery_id": delivery.delivery_id,
                "status": status,
                "error": error,
                "ok": ok,
                "at": self.now().isoformat(),
                "webhook_status": hook.status,
                "failure_count": hook.failure_count,
            }
        )

    async def _post(
        self, client: httpx.AsyncClient, hook: Webhook, delivery: Delivery
    ) -> tuple[int | None, str | None]:
        headers = {"User-Agent": USER_AGENT}
        if delivery.ping:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            headers.update(self._wc_headers(hook, delivery))
        try:
            response = await client.post(
                hook.delivery_url, content=delivery.encoded(), headers=headers
            )
        except httpx.HTTPError as exc:
            return None, type(exc).__name__
        return response.status_code, None

    @staticmethod
    def _wc_headers(hook: Webhook, delivery: Delivery) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": hook.source,
            "X-WC-Webhook-Topic": delivery.topic,
            "X-WC-Webhook-Resource": delivery.topic.split(".")[0],
            "X-WC-Webhook-Event": delivery.topic.split(".")[1],
            "X-WC-Webhook-Signature": signature(delivery.encoded(), hook.secret),
            "X-WC-Webhook-ID": str(hook.id),
            "X-WC-Webhook-Delivery-ID": delivery.delivery_id,
        }
