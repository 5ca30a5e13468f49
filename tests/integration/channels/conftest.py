"""Sandbox-backed channel adapters over real HTTP (uvicorn on loopback), one fixture per channel.

Each ``*_channel`` fixture starts its sandbox (empty), builds the adapter pointed at it and
returns a :class:`Harness` with helpers to seed offers, inject faults and finish async work;
``shared_*`` are the same per module (the contract suite, which injects no faults).
``Garble`` wraps a sandbox app so matching 2xx answers carry a body that is not JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from channel_harness import SECRET, Garble, Harness
from starlette.types import ASGIApp

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
from omnistock.channels.fake import InMemoryChannel, default_capabilities
from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as create_amazon
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.meta.app import create_app as create_meta
from omnistock.sandbox.woocommerce.app import create_app as create_woo


def _servers() -> Iterator[Callable[[ASGIApp], SandboxServer]]:
    servers: list[SandboxServer] = []

    def start(app: ASGIApp) -> SandboxServer:
        server = SandboxServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def serve() -> Iterator[Callable[[ASGIApp], SandboxServer]]:
    yield from _servers()


@pytest.fixture(scope="module")
def module_serve() -> Iterator[Callable[[ASGIApp], SandboxServer]]:
    """Servers shared by one module's tests (the contract suite: each test seeds its own ids)."""
    yield from _servers()


def _options() -> SandboxOptions:
    return SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)


def _admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=10)


def _fake(**capabilities: bool) -> Harness:
    caps = default_capabilities(**capabilities)
    fake = InMemoryChannel(name="fake", capabilities=caps, missing_offers=["missing"])
    counter = iter(range(1, 10_000))

    def seed(offers: dict[str, int]) -> dict[str, str]:
        ids = {o: f"{o}-{next(counter)}" for o in offers}
        for offer, quantity in offers.items():
            fake.set_quantity(ids[offer], quantity)
        return ids

    return Harness(name="fake", adapter=fake, seed=seed, bad_offer="missing")


@pytest.fixture
def fake_channel() -> Harness:
    """The in-memory fake with Allegro-like capabilities (zero ends, results through poll)."""
    return _fake(zero_means_end=True, async_results=True)


@pytest.fixture
def fake_sync_channel() -> Harness:
    """The in-memory fake with its default capabilities (results final on push)."""
    return _fake()


def _allegro(serve: Any, tmp_path: Path) -> Iterator[Harness]:
    app = create_allegro(_options())
    garble = Garble(app)
    server = serve(garble)
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
    admin = _admin(server.url)

    def seed(offers: dict[str, int]) -> dict[str, str]:
        body = [
            {"name": f"Oferta testowa {o}", "stock": q, "price": "10.00", **_status(q)}
            for o, q in offers.items()
        ]
        created = admin.post("/_sandbox/offers", json=body)
        assert created.status_code == 201, created.text
        return {o: c["id"] for o, c in zip(offers, created.json(), strict=True)}

    yield Harness(
        name="allegro",
        adapter=adapter,
        seed=seed,
        bad_offer="99999999999",
        admin=admin,
        sandbox=sandbox,
        garble=garble,
        extra={"store": store, "url": server.url},
    )
    adapter.close()
    admin.close()


def _status(quantity: int) -> dict[str, str]:
    return {} if quantity > 0 else {"status": "ENDED"}


def _woo(serve: Any) -> Iterator[Harness]:
    app = create_woo(_options())
    garble = Garble(app)
    server = serve(garble)
    admin = _admin(server.url)
    adapter = WooAdapter(
        WooConfig(base_url=server.url, consumer_key=SECRET, consumer_secret=SECRET)
    )
    counter = iter(range(1, 10_000))

    def seed(offers: dict[str, int]) -> dict[str, str]:
        products = [
            {"name": f"Produkt {o}", "sku": f"{o}-{next(counter)}", "stock_quantity": q}
            for o, q in offers.items()
        ]
        created = admin.post("/_sandbox/products", json={"products": products})
        assert created.status_code == 201, created.text
        by_sku = {p["sku"]: p["id"] for p in created.json()}
        return {o: str(by_sku[p["sku"]]) for o, p in zip(offers, products, strict=True)}

    yield Harness(
        name="woocommerce",
        adapter=adapter,
        seed=seed,
        bad_offer="987654",
        admin=admin,
        sandbox=app.state.sandbox,
        garble=garble,
        extra={"url": server.url},
    )
    adapter.close()
    admin.close()


def _amazon(serve: Any) -> Iterator[Harness]:
    app = create_amazon(_options())
    garble = Garble(app)
    server = serve(garble)
    admin = _admin(server.url)
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
    counter = iter(range(1, 10_000))

    def seed(offers: dict[str, int]) -> dict[str, str]:
        skus = {o: f"SKU-{o}-{next(counter)}" for o in offers}
        listings = [{"sku": skus[o], "quantity": q} for o, q in offers.items()]
        created = admin.post("/_sandbox/listings", json={"listings": listings})
        assert created.status_code == 201, created.text
        return skus

    yield Harness(
        name="amazon",
        adapter=adapter,
        seed=seed,
        bad_offer="NO-SUCH-SKU",
        admin=admin,
        sandbox=app.state.sandbox,
        garble=garble,
        extra={"url": server.url, "config": config},
    )
    adapter.close()
    admin.close()


def _meta(serve: Any) -> Iterator[Harness]:
    app = create_meta(_options())
    garble = Garble(app)
    server = serve(garble)
    admin = _admin(server.url)
    catalog = "100000000000001"
    adapter = MetaAdapter(MetaConfig(graph_url=server.url, catalog_id=catalog, access_token=SECRET))
    counter = iter(range(1, 10_000))

    def seed(offers: dict[str, int]) -> dict[str, str]:
        ids = {o: f"{o}-{next(counter)}" for o in offers}
        items = [
            {"retailer_id": ids[o], "title": f"Produkt {o}", "quantity_to_sell_on_facebook": q}
            for o, q in offers.items()
        ]
        created = admin.post("/_sandbox/items", json={"catalog_id": catalog, "items": items})
        assert created.status_code == 201, created.text
        return ids

    yield Harness(
        name="meta",
        adapter=adapter,
        seed=seed,
        bad_offer="no-such-item",
        admin=admin,
        sandbox=app.state.sandbox,
        garble=garble,
        extra={"url": server.url, "catalog": catalog},
    )
    adapter.close()
    admin.close()


@pytest.fixture
def allegro_channel(serve: Any, tmp_path: Path) -> Iterator[Harness]:
    yield from _allegro(serve, tmp_path)


@pytest.fixture(scope="module")
def shared_allegro(
    module_serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Harness]:
    yield from _allegro(module_serve, tmp_path_factory.mktemp("allegro"))


@pytest.fixture
def woo_channel(serve: Any) -> Iterator[Harness]:
    yield from _woo(serve)


@pytest.fixture(scope="module")
def shared_woo(module_serve: Any) -> Iterator[Harness]:
    yield from _woo(module_serve)


@pytest.fixture
def amazon_channel(serve: Any) -> Iterator[Harness]:
    yield from _amazon(serve)


@pytest.fixture(scope="module")
def shared_amazon(module_serve: Any) -> Iterator[Harness]:
    yield from _amazon(module_serve)


@pytest.fixture
def meta_channel(serve: Any) -> Iterator[Harness]:
    yield from _meta(serve)


@pytest.fixture(scope="module")
def shared_meta(module_serve: Any) -> Iterator[Harness]:
    yield from _meta(module_serve)
