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
from safety_support import Channel

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
