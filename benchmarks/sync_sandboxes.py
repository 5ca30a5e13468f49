"""The four channel sandboxes on loopback with the real HTTP adapters, for ``sync_bench``.

Each sandbox (``omnistock.sandbox.*``) is served by ``SandboxServer`` on a free loopback port with
its documented limits (the sandboxes' defaults), an extra uniform latency per request
(``FaultConfig.latency_ms``) and the asynchronous processing delay of ``ASYNC_DELAY_S``. The
adapters (``omnistock.channels.*``) talk to them over real HTTP. Time: every sandbox clock and
the benchmark clock run ``time_scale`` times faster than real time, and ``advance`` moves all of
them forward together (idle time — budget waits, async processing, gaps between events — is
skipped, busy time is real). Offers are seeded and channel quantities read back through the
sandboxes' admin routes, which are never delayed or faulted.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
from omnistock.channels.base import ChannelAdapter
from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.domain.ids import ChannelKind
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as create_amazon
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.faults import FaultConfig
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.meta.app import create_app as create_meta
from omnistock.sandbox.woocommerce.app import create_app as create_woo

SECRET = "omnistock-bench"
CATALOG = "100000000000001"
CHUNK = 1000
# how long asynchronous work stays pending, in sandbox seconds (assumed; not documented limits)
ASYNC_DELAY_S = {"allegro": 1.0, "shop": 0.0, "amazon": 30.0, "meta": 5.0}
KINDS = {
    "allegro": ChannelKind.ALLEGRO,
    "shop": ChannelKind.WOOCOMMERCE,
    "amazon": ChannelKind.AMAZON,
    "meta": ChannelKind.META,
}


@dataclass
class Sandboxed:
    """One channel: its sandbox app state, server, adapter, admin client and HTTP counters."""

    name: str
    sandbox: Any
    server: SandboxServer
    adapter: ChannelAdapter
    admin: httpx.Client
    seed: Callable[[Mapping[str, int]], dict[str, str]]
    read: Callable[[], dict[str, int]]
    client: httpx.Client
    http: dict[str, int] = field(default_factory=dict)

    def count(self, request: httpx.Request) -> None:
        key = "reads" if request.method == "GET" else "writes"
        self.http[key] = self.http.get(key, 0) + 1


class Fleet:
    """The sandboxes of the first ``channels`` of (allegro, shop, amazon, meta)."""

    def __init__(
        self,
        names: Sequence[str],
        *,
        seed: int,
        time_scale: float,
        latency_ms: tuple[int, int],
        clock: SandboxClock,
    ) -> None:
        self.clock = clock
        self._tmp = tempfile.TemporaryDirectory()
        self.channels: dict[str, Sandboxed] = {}
        builders = {"allegro": self._allegro, "shop": self._woo, "amazon": self._amazon}
        builders["meta"] = self._meta
        for name in names:
            faults = FaultConfig(latency_ms=latency_ms, async_delay_seconds=ASYNC_DELAY_S[name])
            options = SandboxOptions(
                empty=True,
                seed=seed,
                time_scale=time_scale,
                client_id=SECRET,
                client_secret=SECRET,
                faults=faults,
            )
            channel = builders[name](options)
            channel.client.event_hooks["request"].append(channel.count)
            self.channels[name] = channel

    @property
    def adapters(self) -> dict[str, ChannelAdapter]:
        return {name: c.adapter for name, c in self.channels.items()}

    def advance(self, seconds: float) -> None:
        """Skip ``seconds`` of idle time on the benchmark clock and every sandbox clock."""
        if seconds <= 0:
            return
        self.clock.advance(seconds)
        for channel in self.channels.values():
            channel.sandbox.clock.advance(seconds)

    def seed(self, name: str, offers: Mapping[str, int]) -> dict[str, str]:
        """Create offers ``key → quantity`` in chunks; returns ``key → channel offer id``."""
        ids: dict[str, str] = {}
        for chunk in _chunks(list(offers.items()), CHUNK):
            ids.update(self.channels[name].seed(dict(chunk)))
        return ids

    def quantities(self, name: str) -> dict[str, int]:
        """The sandbox's own quantities (offer id → quantity; an ended Allegro offer is 0)."""
        return self.channels[name].read()

    def http_counts(self, name: str) -> dict[str, int]:
        """HTTP requests the adapter sent (``reads`` = GET, ``writes`` = the rest)."""
        return dict(self.channels[name].http)

    def close(self) -> None:
        for channel in self.channels.values():
            getattr(channel.adapter, "close", lambda: None)()
            channel.admin.close()
            channel.server.stop()
        self._tmp.cleanup()

    # -- one builder per channel ------------------------------------------------------------
    def _allegro(self, options: SandboxOptions) -> Sandboxed:
        app = create_allegro(options)
        server, sandbox = SandboxServer(app).start(), app.state.sandbox
        store = FileTokenStore(Path(self._tmp.name) / "allegro-tokens.json")
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
            name="allegro",
            client_id=SECRET,
            client_secret=SECRET,
            api_url=server.url,
            auth_url=server.url,
        )
        adapter = AllegroAdapter(config, store, clock=sandbox.clock.now)
        admin = _admin(server.url)

        def seed(offers: Mapping[str, int]) -> dict[str, str]:
            body = [
                {"name": f"Oferta {k}", "stock": q, "price": "10.00"}
                | ({} if q > 0 else {"status": "ENDED"})
                for k, q in offers.items()
            ]
            created = _ok(admin.post("/_sandbox/offers", json=body))
            return {k: c["id"] for k, c in zip(offers, created, strict=True)}

        def read() -> dict[str, int]:
            rows = _ok(admin.get("/_sandbox/offers/quantities"))
            return {r["id"]: (r["available"] if r["status"] == "ACTIVE" else 0) for r in rows}

        client = adapter.api.http.client
        return Sandboxed("allegro", sandbox, server, adapter, admin, seed, read, client)

    def _woo(self, options: SandboxOptions) -> Sandboxed:
        app = create_woo(options)
        server = SandboxServer(app).start()
        admin = _admin(server.url)
        config = WooConfig(
            name="shop", base_url=server.url, consumer_key=SECRET, consumer_secret=SECRET
        )
        adapter = WooAdapter(config)

        def seed(offers: Mapping[str, int]) -> dict[str, str]:
            products = [
                {"name": f"Produkt {k}", "sku": k, "stock_quantity": q, "manage_stock": True}
                for k, q in offers.items()
            ]
            created = _ok(admin.post("/_sandbox/products", json={"products": products}))
            return {p["sku"]: str(p["id"]) for p in created}

        def read() -> dict[str, int]:
            rows = _ok(admin.get("/_sandbox/quantities"))
            return {str(r["id"]): r["stock_quantity"] for r in rows if r["manage_stock"]}

        client = adapter.http.client
        return Sandboxed("shop", app.state.sandbox, server, adapter, admin, seed, read, client)

    def _amazon(self, options: SandboxOptions) -> Sandboxed:
        app = create_amazon(options)
        server, sandbox = SandboxServer(app).start(), app.state.sandbox
        admin = _admin(server.url)
        account = _ok(admin.get("/_sandbox/account"))
        config = AmazonConfig(
            name="amazon",
            api_url=server.url,
            token_url=server.url + account["token_path"],
            client_id=SECRET,
            client_secret=SECRET,
            refresh_token=account["refresh_token"],
            seller_id=account["seller_id"],
            marketplace_id=account["marketplace_id"],
        )
        adapter = AmazonAdapter(config, clock=sandbox.clock.now)

        def seed(offers: Mapping[str, int]) -> dict[str, str]:
            listings = [{"sku": k, "quantity": q} for k, q in offers.items()]
            _ok(admin.post("/_sandbox/listings", json={"listings": listings}))
            return {k: k for k in offers}

        def read() -> dict[str, int]:
            return {r["sku"]: r["quantity"] for r in _ok(admin.get("/_sandbox/listings"))}

        client = adapter.api.http.client
        return Sandboxed("amazon", sandbox, server, adapter, admin, seed, read, client)

    def _meta(self, options: SandboxOptions) -> Sandboxed:
        app = create_meta(options)
        server = SandboxServer(app).start()
        admin = _admin(server.url)
        config = MetaConfig(
            name="meta", graph_url=server.url, catalog_id=CATALOG, access_token=SECRET
        )
        adapter = MetaAdapter(config)

        def seed(offers: Mapping[str, int]) -> dict[str, str]:
            items = [
                {"retailer_id": k, "title": f"Produkt {k}", "quantity_to_sell_on_facebook": q}
                for k, q in offers.items()
            ]
            _ok(admin.post("/_sandbox/items", json={"catalog_id": CATALOG, "items": items}))
            return {k: k for k in offers}

        def read() -> dict[str, int]:
            body = _ok(admin.get("/_sandbox/quantities", params={"catalog_id": CATALOG}))
            return {i["retailer_id"]: i["quantity_to_sell_on_facebook"] for i in body["items"]}

        client = adapter.http.client
        return Sandboxed("meta", app.state.sandbox, server, adapter, admin, seed, read, client)


def _admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=60)


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"sandbox admin {response.request.url}: {response.text[:300]}")
    return response.json()


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
