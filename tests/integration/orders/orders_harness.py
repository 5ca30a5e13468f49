"""Helpers of the order import tests: the four sandboxes, adapters, order feeds and one store.

``shop`` starts Allegro, WooCommerce, Amazon and Meta sandboxes on loopback, builds the real
adapters and order feeds, creates one product per test in a migrated database (SQLite, and
PostgreSQL with ``OMNISTOCK_TEST_PG``), links it on every channel and gives helpers to place
buyers' orders, import them and run the sync worker until the channels show what is desired.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.order_details import AllegroOrderFeed
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
from omnistock.channels.amazon.order_details import AmazonOrderFeed
from omnistock.channels.base import ChannelAdapter
from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.channels.woocommerce.order_details import WooOrderFeed
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.privacy.keys import Keyring
from omnistock.privacy.sealing import Sealer
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as create_amazon
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.meta.app import create_app as create_meta
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service.catalog import add_channel, add_product, link_listing
from omnistock.service.clock import FixedClock
from omnistock.service.order_ports import OrderFeed
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import ImportSummary, import_feed
from omnistock.service.stock import set_stock
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.sync_repository import SyncStore
from omnistock.store.tables import listings, reservations
from omnistock.sync.worker import Worker

SECRET = "omnistock-sandbox"
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SKU = Sku("KUBEK-1")


def make_sealer() -> PrivacySealer:
    """A sealer with fresh random keys (key id ``t1``)."""
    keyring = Keyring(active="t1", keys={"t1": os.urandom(32)}, hash_key=os.urandom(32))
    return PrivacySealer(Sealer(keyring))


@dataclass
class Shop:
    """The store, the channels and what a test drives."""

    engine: Engine
    clock: FixedClock
    adapters: dict[str, ChannelAdapter]
    feeds: dict[str, OrderFeed]
    admins: dict[str, httpx.Client]
    sandboxes: dict[str, Any]
    offers: dict[str, str] = field(default_factory=dict)
    sealer: PrivacySealer = field(default_factory=make_sealer)
    contacts: ContactPolicy = field(default_factory=ContactPolicy)
    worker: Worker | None = None

    def uow(self) -> OrderUnitOfWork:
        return OrderUnitOfWork(self.engine)

    def import_orders(self, channel: str, feed: str | None = None) -> ImportSummary:
        source = self.feeds[channel]
        return import_feed(
            self.uow,
            source,
            feed or source.feeds[0],
            sealer=self.sealer,
            contacts=self.contacts,
            clock=self.clock,
        )

    def advance(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))
        for sandbox in self.sandboxes.values():
            sandbox.clock.advance(seconds)

    def desired(self) -> dict[str, int | None]:
        c = listings.c
        with self.engine.connect() as conn:
            return {r.channel: r.desired for r in conn.execute(select(c.channel, c.desired))}

    def pushed(self) -> dict[str, int | None]:
        c = listings.c
        with self.engine.connect() as conn:
            return {
                r.channel: r.last_pushed for r in conn.execute(select(c.channel, c.last_pushed))
            }

    def shown(self) -> dict[str, int]:
        return {
            name: int(adapter.read_quantities([self.offers[name]]).get(self.offers[name], 0))
            for name, adapter in self.adapters.items()
        }

    def reserved(self) -> int:
        c = reservations.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.quantity).where(c.open.is_(True)))
            return sum(r.quantity for r in rows)

    def sync_until(self, expected: dict[str, int], deadline_s: float = 30) -> None:
        """Run the worker until every channel shows ``expected`` (read back from the sandbox)."""
        assert self.worker is not None
        end = time.monotonic() + deadline_s
        while True:
            self.worker.run_once()
            if self.pushed() == self.desired() and self.shown() == expected:
                return
            assert time.monotonic() < end, (self.desired(), self.pushed(), self.shown())
            self.advance(30)

    def allegro_status(self) -> str:
        body = self.admins["allegro"].get("/_sandbox/offers/quantities").json()
        return next(o["status"] for o in body if o["id"] == self.offers["allegro"])


def _options() -> SandboxOptions:
    return SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)


class _Servers:
    def __init__(self) -> None:
        self.started: list[SandboxServer] = []
        self.clients: list[Any] = []

    def start(self, app: Any) -> SandboxServer:
        server = SandboxServer(app).start()
        self.started.append(server)
        return server

    def client(self, url: str) -> httpx.Client:
        client = httpx.Client(base_url=url, timeout=10)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        for server in self.started:
            server.stop()


def _allegro(servers: _Servers, tmp_path: Path) -> tuple[AllegroAdapter, Any, httpx.Client]:
    app = create_allegro(_options())
    server = servers.start(app)
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
    servers.clients.append(adapter)
    return adapter, sandbox, servers.client(server.url)


def _woo(servers: _Servers) -> tuple[WooAdapter, Any, httpx.Client]:
    app = create_woo(_options())
    server = servers.start(app)
    adapter = WooAdapter(
        WooConfig(base_url=server.url, consumer_key=SECRET, consumer_secret=SECRET),
        clock=app.state.sandbox.clock.now,
    )
    servers.clients.append(adapter)
    return adapter, app.state.sandbox, servers.client(server.url)


def _amazon(servers: _Servers) -> tuple[AmazonAdapter, Any, httpx.Client]:
    app = create_amazon(_options())
    server = servers.start(app)
    admin = servers.client(server.url)
    account = admin.get("/_sandbox/account").json()
    config = AmazonConfig(
        api_url=server.url,
        token_url=server.url + account["token_path"],
        client_id=SECRET,
        client_secret=SECRET,
        refresh_token=account["refresh_token"],
        seller_id=account["seller_id"],
        marketplace_id=account["marketplace_id"],
    )
    adapter = AmazonAdapter(config, clock=app.state.sandbox.clock.now)
    servers.clients.append(adapter)
    return adapter, app.state.sandbox, admin


def _meta(servers: _Servers) -> tuple[MetaAdapter, Any, httpx.Client]:
    app = create_meta(_options())
    server = servers.start(app)
    adapter = MetaAdapter(
        MetaConfig(graph_url=server.url, catalog_id="100000000000001", access_token=SECRET)
    )
    servers.clients.append(adapter)
    return adapter, app.state.sandbox, servers.client(server.url)


def _seed(shop: Shop, stock: int) -> None:
    admins = shop.admins
    made = admins["allegro"].post(
        "/_sandbox/offers", json=[{"name": "Kubek testowy", "stock": stock, "price": "10.00"}]
    )
    assert made.status_code == 201, made.text
    shop.offers["allegro"] = made.json()[0]["id"]
    product = {"name": "Kubek", "sku": "KUBEK-1", "stock_quantity": stock}
    made = admins["woocommerce"].post("/_sandbox/products", json={"products": [product]})
    assert made.status_code == 201, made.text
    shop.offers["woocommerce"] = str(made.json()[0]["id"])
    made = admins["amazon"].post(
        "/_sandbox/listings", json={"listings": [{"sku": "AMZ-KUBEK-1", "quantity": stock}]}
    )
    assert made.status_code == 201, made.text
    shop.offers["amazon"] = "AMZ-KUBEK-1"
    item = {"retailer_id": "kubek-1", "title": "Kubek", "quantity_to_sell_on_facebook": stock}
    made = admins["meta"].post(
        "/_sandbox/items", json={"catalog_id": "100000000000001", "items": [item]}
    )
    assert made.status_code == 201, made.text
    shop.offers["meta"] = "kubek-1"


def _catalog(shop: Shop, stock: int) -> None:
    now = shop.clock.now()
    add_product(shop.uow(), Product(sku=SKU, name="Kubek"))
    set_stock(shop.uow(), SKU, stock, warehouse=WarehouseId("main"), actor="test", now=now)
    for name in ("allegro", "woocommerce", "amazon", "meta"):
        add_channel(shop.uow(), name, name, now=now)
        link_listing(shop.uow(), SKU, ChannelId(name), shop.offers[name], now=now)


def build_shop(engine: Engine, tmp_path: Path, stock: int) -> Iterator[Shop]:
    servers = _Servers()
    try:
        built = {
            "allegro": _allegro(servers, tmp_path),
            "woocommerce": _woo(servers),
            "amazon": _amazon(servers),
            "meta": _meta(servers),
        }
        allegro, woo, amazon = built["allegro"][0], built["woocommerce"][0], built["amazon"][0]
        clock = FixedClock(T0)
        shop = Shop(
            engine=engine,
            clock=clock,
            adapters={name: parts[0] for name, parts in built.items()},
            feeds={
                "allegro": AllegroOrderFeed(allegro.api, clock=built["allegro"][1].clock.now),
                "woocommerce": WooOrderFeed(woo.http, clock=built["woocommerce"][1].clock.now),
                "amazon": AmazonOrderFeed(
                    amazon.api, amazon.config.marketplace_id, clock=built["amazon"][1].clock.now
                ),
            },
            admins={name: parts[2] for name, parts in built.items()},
            sandboxes={name: parts[1] for name, parts in built.items()},
        )
        _seed(shop, stock)
        _catalog(shop, stock)
        shop.worker = Worker(
            store=SyncStore(engine),
            adapters=shop.adapters,
            clock=clock,
            holder="orders-test",
            rng=random.Random(5),
        )
        yield shop
    finally:
        servers.close()
