"""Sandboxes over real HTTP for the safety scenarios: Allegro, the shop, SMSAPI and aiosmtpd."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.smsapi.app import create_app as create_smsapi
from omnistock.sandbox.woocommerce.app import create_app as create_woo

SECRET = "omnistock-sandbox"


@dataclass
class Inbox:
    """What the aiosmtpd server received."""

    messages: list[Any] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        self.arrived.set()
        return "250 Message accepted for delivery"


@dataclass
class Channel:
    name: str
    adapter: Any
    admin: httpx.Client
    sandbox: Any
    ids: dict[str, str] = field(default_factory=dict)  # SKU → offer id

    def quantities(self) -> dict[str, int]:
        """Offer id → quantity the sandbox shows now (read through its admin route)."""
        if self.name == "allegro":
            rows = self.admin.get("/_sandbox/offers/quantities").json()
            return {r["id"]: r["available"] for r in rows}
        rows = self.admin.get("/_sandbox/quantities").json()
        return {str(r["id"]): r["stock_quantity"] for r in rows}


@pytest.fixture
def servers() -> Iterator[Any]:
    started: list[SandboxServer] = []

    def start(app: Any) -> SandboxServer:
        server = SandboxServer(app).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _options() -> SandboxOptions:
    return SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)


@pytest.fixture
def allegro(servers: Any, tmp_path: Path) -> Iterator[Channel]:
    app = create_allegro(_options())
    server = servers(app)
    sandbox = app.state.sandbox
    store = FileTokenStore(tmp_path / "allegro-tokens.json")
    flow_http = auth_http("allegro", server.url)
    flow = DeviceFlow(
        http=flow_http,
        client_id=SECRET,
        client_secret=SECRET,
        store=store,
        clock=sandbox.clock.now,
        sleep=sandbox.clock.advance,
    )
    flow.poll(flow.start())
    flow_http.close()
    config = AllegroConfig(
        client_id=SECRET, client_secret=SECRET, api_url=server.url, auth_url=server.url
    )
    adapter = AllegroAdapter(config, store, clock=sandbox.clock.now)
    admin = httpx.Client(base_url=server.url, timeout=30)
    yield Channel(name="allegro", adapter=adapter, admin=admin, sandbox=sandbox)
    adapter.close()
    admin.close()


@pytest.fixture
def shop(servers: Any) -> Iterator[Channel]:
    app = create_woo(_options())
    server = servers(app)
    admin = httpx.Client(base_url=server.url, timeout=30)
    adapter = WooAdapter(
        WooConfig(base_url=server.url, consumer_key=SECRET, consumer_secret=SECRET)
    )
    yield Channel(name="shop", adapter=adapter, admin=admin, sandbox=app.state.sandbox)
    adapter.close()
    admin.close()


def seed(channel: Channel, stock: dict[str, int]) -> None:
    """Create one offer per SKU with its quantity through the sandbox's admin route."""
    skus = list(stock)
    if channel.name == "allegro":
        body = [
            {
                "name": f"Oferta {s}",
                "stock": q,
                "price": "10.00",
                **({} if q else {"status": "ENDED"}),
            }
            for s, q in stock.items()
        ]
        created = channel.admin.post("/_sandbox/offers", json=body)
        assert created.status_code == 201, created.text
        channel.ids = {s: c["id"] for s, c in zip(skus, created.json(), strict=True)}
        return
    products = [{"name": f"Produkt {s}", "sku": s, "stock_quantity": q} for s, q in stock.items()]
    created = channel.admin.post("/_sandbox/products", json={"products": products})
    assert created.status_code == 201, created.text
    by_sku = {p["sku"]: str(p["id"]) for p in created.json()}
    channel.ids = {s: by_sku[s] for s in skus}


@pytest.fixture
def smsapi(servers: Any) -> Iterator[tuple[str, httpx.Client]]:
    server = servers(create_smsapi(SandboxOptions()))
    admin = httpx.Client(base_url=server.url, timeout=10)
    yield server.url, admin
    admin.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
