"""The demo's stage: every sandbox on loopback, a local SMTP inbox, adapters and senders.

Each sandbox app is wrapped in :class:`CallCounter`, which counts the calls of the emulated
API (admin routes excluded), so ``api_calls`` in the summary is what the sandboxes received.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from starlette.types import ASGIApp, Receive, Scope, Send

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.order_details import AllegroOrderFeed
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
from omnistock.channels.amazon.order_details import AmazonOrderFeed
from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.channels.pacing import Pacer
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.channels.woocommerce.order_details import WooOrderFeed
from omnistock.domain.incidents import Via
from omnistock.invoicing.ksef import KsefClient, KsefSettings
from omnistock.notify import SmsapiSender, SmsapiSettings, SmtpSecurity, SmtpSender, SmtpSettings
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.registry import SANDBOXES

__all__ = ["CHANNELS", "SECRET", "CallCounter", "Inbox", "Stage"]

SECRET = "omnistock-sandbox"
CATALOG_ID = "100000000000001"
SELLER_NIP = "5261040828"
TIME_SCALE = 30.0
"""Sandbox time runs this many times faster than wall time (rate windows, async work)."""
CHANNELS: dict[str, str] = {
    "allegro-main": "allegro",
    "sklep": "woocommerce",
    "amazon-pl": "amazon",
    "facebook": "meta",
}
"""Channel account → sandbox (and channel kind)."""


class CallCounter:
    """ASGI wrapper counting requests outside ``/_sandbox`` (thread-safe)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_sandbox"):
            with self._lock:
                self.calls += 1
        await self.app(scope, receive, send)


@dataclass
class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stage:
    """Started sandboxes with their admin clients; ``close()`` stops everything."""

    def __init__(self, folder: Path, *, seed: int) -> None:
        self.folder = folder
        self.servers: dict[str, SandboxServer] = {}
        self.counters: dict[str, CallCounter] = {}
        self.sandboxes: dict[str, Any] = {}
        self.admins: dict[str, httpx.Client] = {}
        options = SandboxOptions(
            empty=True, seed=seed, client_id=SECRET, client_secret=SECRET, time_scale=TIME_SCALE
        )
        for name, factory in SANDBOXES.items():
            app = factory(options)
            self.sandboxes[name] = app.state.sandbox
            self.counters[name] = CallCounter(app)
            self.servers[name] = SandboxServer(self.counters[name]).start()
            self.admins[name] = httpx.Client(base_url=self.servers[name].url, timeout=30)
        self.inbox = Inbox()
        self.smtp_port = _free_port()
        self._smtp = Controller(self.inbox, hostname="127.0.0.1", port=self.smtp_port)
        self._smtp.start()
        self.adapters: dict[str, Any] = {}
        self._closers: list[Callable[[], None]] = []

    def url(self, sandbox: str) -> str:
        return self.servers[sandbox].url

    def now(self, sandbox: str) -> Callable[[], datetime]:
        clock: Callable[[], datetime] = self.sandboxes[sandbox].clock.now
        return clock

    def advance(self, seconds: float) -> None:
        """Sandbox time jumps forward (token expiry, rate windows, async work)."""
        for sandbox in self.sandboxes.values():
            sandbox.clock.advance(seconds)

    def set_faults(self, faults: dict[str, dict[str, Any]]) -> None:
        """``PUT /_sandbox/faults`` on each named sandbox (others are left alone)."""
        for name, config in faults.items():
            self.admins[name].put("/_sandbox/faults", json=config).raise_for_status()

    def connect(self) -> dict[str, Any]:
        """The four channel adapters, by channel account."""
        self.adapters = {
            "allegro-main": self._allegro(),
            "sklep": WooAdapter(
                WooConfig(base_url=self.url("woocommerce"), consumer_key=SECRET,
                          consumer_secret=SECRET, name="sklep"),
                clock=self.now("woocommerce"),
            ),
            "amazon-pl": self._amazon(),
            "facebook": MetaAdapter(
                MetaConfig(graph_url=self.url("meta"), catalog_id=CATALOG_ID,
                           access_token=SECRET, name="facebook")
            ),
        }  # fmt: skip
        return self.adapters

    def feeds(self) -> dict[str, Any]:
        """Order feeds of the three order-taking channel accounts."""
        allegro, woo, amazon = (self.adapters[n] for n in ("allegro-main", "sklep", "amazon-pl"))
        return {
            "allegro-main": AllegroOrderFeed(allegro.api, clock=self.now("allegro")),
            "sklep": WooOrderFeed(woo.http, clock=self.now("woocommerce")),
            "amazon-pl": AmazonOrderFeed(
                amazon.api, amazon.config.marketplace_id, clock=self.now("amazon")
            ),
        }

    def allegro_config(self) -> AllegroConfig:
        url = self.url("allegro")
        return AllegroConfig(
            client_id=SECRET, client_secret=SECRET, name="allegro-main", api_url=url, auth_url=url
        )

    def _allegro(self) -> AllegroAdapter:
        store = FileTokenStore(self.folder / "allegro-main-tokens.json")
        http = auth_http("allegro-main", self.url("allegro"))
        sandbox = self.sandboxes["allegro"]
        flow = DeviceFlow(
            http=http, client_id=SECRET, client_secret=SECRET, store=store,
            clock=sandbox.clock.now, sleep=sandbox.clock.advance,
        )  # fmt: skip
        flow.poll(flow.start())
        http.close()
        return AllegroAdapter(self.allegro_config(), store, clock=sandbox.clock.now)

    def amazon_config(self) -> AmazonConfig:
        account = self.admins["amazon"].get("/_sandbox/account").json()
        return AmazonConfig(
            api_url=self.url("amazon"),
            token_url=self.url("amazon") + account["token_path"],
            client_id=SECRET,
            client_secret=SECRET,
            refresh_token=account["refresh_token"],
            seller_id=account["seller_id"],
            marketplace_id=account["marketplace_id"],
            name="amazon-pl",
        )

    def _amazon(self) -> AmazonAdapter:
        # The adapter paces listing reads in wall time (4/s); the sandbox's limit runs on its
        # compressed clock, so the demo scales the pacer.
        return AmazonAdapter(
            self.amazon_config(),
            clock=self.now("amazon"),
            read_pacer=Pacer(rate=4 * TIME_SCALE, burst=8),
        )

    def senders(self) -> dict[Via, Any]:
        """SMS through the SMSAPI sandbox, e-mail through the local SMTP server."""
        sms = SmsapiSender(
            SmsapiSettings(token=SECRET, recipients=("48600100200",), base_url=self.url("smsapi"))
        )
        mail = SmtpSender(
            SmtpSettings(
                host="127.0.0.1", port=self.smtp_port, security=SmtpSecurity.PLAIN,
                sender="alerts@omnistock.example", recipients=("owner@sklep.example",),
            )
        )  # fmt: skip
        self._closers.append(sms.close)
        return {Via.SMS: sms, Via.EMAIL: mail}

    def ksef(self) -> KsefClient:
        """A KSeF client of the demo seller against the KSeF sandbox."""
        settings = KsefSettings(
            base_url=self.url("ksef"), nip=SELLER_NIP, token=SECRET, poll_interval=0.02,
            poll_timeout=20.0,
        )  # fmt: skip
        client = KsefClient(settings)
        self._closers.append(client.close)
        return client

    def close(self) -> None:
        for close in self._closers:
            close()
        for adapter in self.adapters.values():
            adapter.close()
        for admin in self.admins.values():
            admin.close()
        self._smtp.stop()
        for server in self.servers.values():
            server.stop()
