"""Helpers of the channel adapter tests: the ``Harness``, batches, settling, ``Garble``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnistock.channels.base import ChannelAdapter, PushBatch, PushItem, PushReport
from omnistock.domain.ids import ChannelId, Sku

SECRET = "omnistock-sandbox"
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Garble:
    """ASGI wrapper: 2xx answers for paths starting with ``prefix`` get a non-JSON body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.prefix: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self.prefix is None or not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        state: dict[str, int] = {}

        async def garbled(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and state.get("status", 500) < 300:
                message = {**message, "body": b"<html>maintenance</html>", "more_body": False}
            await send(message)

        await self.app(scope, receive, garbled)


@dataclass
class Harness:
    """One channel under test: the adapter plus what the tests need to drive it."""

    name: str
    adapter: ChannelAdapter
    seed: Callable[[dict[str, int]], dict[str, str]]
    bad_offer: str
    admin: httpx.Client | None = None
    sandbox: Any = None
    garble: Garble | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def faults(self, **config: Any) -> None:
        assert self.admin is not None
        response = self.admin.put("/_sandbox/faults", json=config)
        assert response.status_code == 200, response.text

    def advance(self, seconds: float) -> None:
        if self.sandbox is not None:
            self.sandbox.clock.advance(seconds)


def batch(
    channel: str, quantities: dict[str, int], previous: dict[str, int] | None = None
) -> PushBatch:
    """A batch setting ``quantities`` (offer id → quantity)."""
    items = tuple(
        PushItem(
            offer_id=offer,
            sku=Sku(f"SKU-{offer}"),
            quantity=qty,
            previous=(previous or {}).get(offer),
            observed_at=T0,
        )
        for offer, qty in quantities.items()
    )
    return PushBatch(id=uuid4(), channel=ChannelId(channel), items=items)


def settle(
    harness: Harness, pushed: PushBatch, report: PushReport, deadline_s: float = 10.0
) -> PushReport:
    """Poll until the report is final (advancing sandbox time between polls)."""
    end = time.monotonic() + deadline_s
    while report.pending:
        assert time.monotonic() < end, f"{harness.name}: batch still pending"
        harness.advance(5)
        report = harness.adapter.poll(pushed.id)
    return report
