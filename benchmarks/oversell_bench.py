"""Oversell simulation: concurrent buyers on every order-taking channel, omnistock vs a baseline.

Buyers arrive at random (seeded) on Allegro, the WooCommerce shop and Amazon — each against the
channel's **sandbox over real HTTP** — and buy one unit of one of ``--skus`` products if the
channel still shows stock. The sandboxes run with faults (duplicated and reordered Allegro
events, some 5xx answers, extra latency). Time is virtual: every ``--cycle`` seconds omnistock
runs the worker's order polling (``OrderPolling``, the real importer) and one pass of the sync
worker (the real adapters), so the other channels learn about each sale. Allegro's journal and
the shop (whose webhooks this run does not deliver) are imported every cycle; Amazon as the
worker does: ``searchOrders`` every ``DEFAULT_POLL_S["amazon"]`` within its documented plan
(0.0056 calls/s, burst 20), plus an immediate poll when a listing near its last units shows a
sale not imported yet (the sale watch; ``--no-sale-watch`` turns it off to compare).

In the same run the same buyer trace is replayed against a **baseline** that, like many
competitors, reads the orders and pushes the remaining stock to every channel only every 15
minutes (each channel decrements its own count between syncs).

``oversold_units`` = Σ over products of max(0, units sold on all channels − units in stock);
``orders_duplicated`` = orders stored more than once (rows − distinct sales accepted);
``orders_missing`` = accepted sales never imported; ``amazon_early_polls`` = Amazon imports
started by the sale watch; ``import_failures`` = failed imports by channel and error.

``python -m benchmarks.oversell_bench --json`` (``--buyers``, ``--skus``, ``--stock``,
``--minutes``, ``--cycle``, ``--seed``, ``--buffer``, ``--error-rate``, ``--no-sale-watch``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.order_details import AllegroOrderFeed
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
from omnistock.channels.amazon.order_details import AmazonOrderFeed
from omnistock.channels.configured import DEFAULT_POLL_S
from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.channels.pacing import Pacer
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.channels.woocommerce.order_details import WooOrderFeed
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, Sku
from omnistock.domain.policy import Policy, PolicyScope
from omnistock.domain.product import Product
from omnistock.privacy.keys import keyring_from_text
from omnistock.privacy.sealing import Sealer
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as create_amazon
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.meta.app import create_app as create_meta
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service.catalog import add_channel, add_product, link_listing
from omnistock.service.clock import FixedClock
from omnistock.service.order_polling import OrderPolling, PolledFeed
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.policies import set_policy
from omnistock.service.stock import set_stock
from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import orders
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.worker import Worker

SECRET = "omnistock-sandbox"
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BASELINE_S = 900.0
SELLING = ("allegro", "woocommerce", "amazon")
CATALOG = "100000000000001"
EVENT_FAULTS = {"duplicate_event_rate": 0.2, "reorder_events": True}


@dataclass(frozen=True)
class Buyer:
    at: float
    channel: str
    product: int


def trace(buyers: int, skus: int, seconds: float, seed: int) -> list[Buyer]:
    rng = random.Random(seed)
    return sorted(
        (
            Buyer(
                at=rng.uniform(0, seconds), channel=rng.choice(SELLING), product=rng.randrange(skus)
            )
            for _ in range(buyers)
        ),
        key=lambda b: b.at,
    )


def baseline(buyers: Sequence[Buyer], skus: int, stock: int) -> tuple[int, int]:
    """(units sold, units oversold) when every channel is told the stock every 15 minutes."""
    shown = {(c, p): stock for c in SELLING for p in range(skus)}
    sold = [0] * skus
    next_sync = BASELINE_S
    for buyer in buyers:
        while buyer.at >= next_sync:
            for c, p in shown:
                shown[c, p] = max(stock - sold[p], 0)
            next_sync += BASELINE_S
        if shown[buyer.channel, buyer.product] > 0:
            shown[buyer.channel, buyer.product] -= 1
            sold[buyer.product] += 1
    return sum(sold), sum(max(s - stock, 0) for s in sold)


class Channels:
    """The four sandboxes on loopback with their adapters, order feeds and admin clients."""

    def __init__(self, folder: Path, *, sale_watch: bool = True) -> None:
        self.servers: list[SandboxServer] = []
        self.admins: dict[str, httpx.Client] = {}
        self.sandboxes: dict[str, Any] = {}
        options = SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)
        for name, make in (("allegro", create_allegro), ("woocommerce", create_woo)):
            self._start(name, make(options))
        self._start("amazon", create_amazon(options))
        self._start("meta", create_meta(options))
        self.adapters: dict[str, Any] = {
            "allegro": self._allegro(folder),
            "woocommerce": WooAdapter(
                WooConfig(
                    base_url=self.url("woocommerce"), consumer_key=SECRET, consumer_secret=SECRET
                ),
                clock=self.sandboxes["woocommerce"].clock.now,
            ),
            "amazon": self._amazon(),
            "meta": MetaAdapter(
                MetaConfig(graph_url=self.url("meta"), catalog_id=CATALOG, access_token=SECRET)
            ),
        }
        amazon = self.adapters["amazon"]
        self.feeds = {
            "allegro": AllegroOrderFeed(self.adapters["allegro"].api, clock=self.now("allegro")),
            "woocommerce": WooOrderFeed(
                self.adapters["woocommerce"].http, clock=self.now("woocommerce")
            ),
            "amazon": AmazonOrderFeed(
                amazon.api,
                amazon.config.marketplace_id,
                clock=self.now("amazon"),
                probe=amazon.read_quantities if sale_watch else None,
            ),
        }

    def _start(self, name: str, app: Any) -> None:
        server = SandboxServer(app).start()
        self.servers.append(server)
        self.sandboxes[name] = app.state.sandbox
        self.admins[name] = httpx.Client(base_url=server.url, timeout=30)

    def url(self, name: str) -> str:
        return str(self.admins[name].base_url).rstrip("/")

    def now(self, name: str) -> Any:
        return self.sandboxes[name].clock.now

    def _allegro(self, folder: Path) -> AllegroAdapter:
        store = FileTokenStore(folder / "allegro-tokens.json")
        url, sandbox = self.url("allegro"), self.sandboxes["allegro"]
        http = auth_http("allegro", url)
        flow = DeviceFlow(
            http=http, client_id=SECRET, client_secret=SECRET, store=store,
            clock=sandbox.clock.now, sleep=sandbox.clock.advance,
        )  # fmt: skip
        flow.poll(flow.start())
        http.close()
        config = AllegroConfig(client_id=SECRET, client_secret=SECRET, api_url=url, auth_url=url)
        return AllegroAdapter(config, store, clock=sandbox.clock.now)

    def _amazon(self) -> AmazonAdapter:
        account = self.admins["amazon"].get("/_sandbox/account").json()
        config = AmazonConfig(
            api_url=self.url("amazon"),
            token_url=self.url("amazon") + account["token_path"],
            client_id=SECRET,
            client_secret=SECRET,
            refresh_token=account["refresh_token"],
            seller_id=account["seller_id"],
            marketplace_id=account["marketplace_id"],
        )
        clock = self.sandboxes["amazon"].clock
        # getListingsItem reads paced on the sandbox's virtual time (4/s, burst 8); a cycle's few
        # reads never wait, and a real sleep would only slow the run down
        pacer = Pacer(rate=4, burst=8, monotonic=clock.elapsed_seconds, sleep=lambda _s: None)
        return AmazonAdapter(config, clock=clock.now, read_pacer=pacer)

    def advance(self, seconds: float) -> None:
        for sandbox in self.sandboxes.values():
            sandbox.clock.advance(seconds)

    def close(self) -> None:
        for closeable in [*self.adapters.values(), *self.admins.values()]:
            closeable.close()
        for server in self.servers:
            server.stop()


def _seed(channels: Channels, skus: int, stock: int) -> dict[str, list[str]]:
    admins, offers = channels.admins, {}
    made = admins["allegro"].post(
        "/_sandbox/offers",
        json=[{"name": f"Produkt {p}", "stock": stock, "price": "10.00"} for p in range(skus)],
    )
    offers["allegro"] = [o["id"] for o in made.json()]
    products = [{"name": f"P{p}", "sku": f"P-{p}", "stock_quantity": stock} for p in range(skus)]
    made = admins["woocommerce"].post("/_sandbox/products", json={"products": products})
    offers["woocommerce"] = [str(p["id"]) for p in made.json()]
    listings = [{"sku": f"AMZ-{p}", "quantity": stock} for p in range(skus)]
    admins["amazon"].post("/_sandbox/listings", json={"listings": listings}).raise_for_status()
    offers["amazon"] = [f"AMZ-{p}" for p in range(skus)]
    items = [
        {"retailer_id": f"m-{p}", "title": f"P{p}", "quantity_to_sell_on_facebook": stock}
        for p in range(skus)
    ]
    admins["meta"].post(
        "/_sandbox/items", json={"catalog_id": CATALOG, "items": items}
    ).raise_for_status()
    offers["meta"] = [f"m-{p}" for p in range(skus)]
    return offers


def _catalog(engine: Any, offers: dict[str, list[str]], skus: int, stock: int) -> None:
    uow = OrderUnitOfWork(engine)
    for name in offers:
        add_channel(uow, name, name, now=T0)
    for p in range(skus):
        sku = Sku(f"P-{p}")
        add_product(uow, Product(sku=sku, name=f"Produkt {p}"))
        set_stock(uow, sku, stock, warehouse=DEFAULT_WAREHOUSE, actor="bench", now=T0)
        for name, ids in offers.items():
            link_listing(uow, sku, ChannelId(name), ids[p], now=T0)


def _buy(channels: Channels, offers: dict[str, list[str]], buyer: Buyer) -> bool:
    offer = offers[buyer.channel][buyer.product]
    body: dict[str, Any] = {
        "allegro": {"lines": [{"offer_id": offer, "quantity": 1}]},
        "woocommerce": {"lines": [{"sku": f"P-{buyer.product}", "quantity": 1}]},
        "amazon": {"items": [{"sku": offer, "quantity": 1}]},
    }[buyer.channel]
    response = channels.admins[buyer.channel].post("/_sandbox/orders", json=body)
    return response.status_code == 201


def _polling(engine: Any, channels: Channels, clock: FixedClock, cycle_s: float) -> OrderPolling:
    every = {"allegro": cycle_s, "woocommerce": cycle_s, "amazon": DEFAULT_POLL_S["amazon"]}
    feeds = {name: PolledFeed(feed=channels.feeds[name], every_s=every[name]) for name in SELLING}
    return OrderPolling(
        feeds, uow_factory=lambda: OrderUnitOfWork(engine), sealer=_sealer(),
        contacts=ContactPolicy(), clock=clock,
    )  # fmt: skip


def _cycle(
    polling: OrderPolling, worker: Worker, clock: FixedClock, errors: dict[str, int]
) -> None:
    before = dict(polling.next_at)
    polling(clock.now())
    for name, last in polling.last.items():
        if polling.next_at.get(name) != before.get(name) and isinstance(last, str):
            key = f"{name}:{last}"  # 5xx or 429: the cursor did not move; a later poll retries
            errors[key] = errors.get(key, 0) + 1
    worker.run_once()


def _sealer() -> PrivacySealer:
    keys = "bench:" + base64.b64encode(os.urandom(32)).decode()
    return PrivacySealer(Sealer(keyring_from_text(keys, base64.b64encode(os.urandom(32)).decode())))


def simulate(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    buyers = trace(args.buyers, args.skus, args.minutes * 60.0, args.seed)
    engine = make_engine(f"sqlite:///{folder / 'oversell.db'}")
    upgrade_to_head(engine)
    channels = Channels(folder, sale_watch=not args.no_sale_watch)
    try:
        offers = _seed(channels, args.skus, args.stock)
        _catalog(engine, offers, args.skus, args.stock)
        clock, errors = FixedClock(T0), {}
        polling = _polling(engine, channels, clock, args.cycle)
        if args.buffer:
            set_policy(
                OrderUnitOfWork(engine), PolicyScope.GLOBAL, "", Policy(buffer=args.buffer), now=T0
            )
        worker = Worker(
            store=SyncStore(engine), adapters=channels.adapters, clock=clock, holder="bench"
        )
        _cycle(polling, worker, clock, errors)
        faults = {"error_rate": args.error_rate, "latency_ms": [1, 4]}
        for name in SELLING:
            extra = EVENT_FAULTS if name == "allegro" else {}
            channels.admins[name].put("/_sandbox/faults", json=faults | extra)
        sold, accepted, now = [0] * args.skus, 0, 0.0
        for buyer in buyers:
            while now + args.cycle <= buyer.at:
                now += args.cycle
                clock.set(T0 + timedelta(seconds=now))
                channels.advance(args.cycle)
                _cycle(polling, worker, clock, errors)
            if _buy(channels, offers, buyer):
                sold[buyer.product] += 1
                accepted += 1
        for name in SELLING:
            channels.admins[name].put("/_sandbox/faults", json={})
        for _ in range(3):
            now += args.cycle
            clock.set(T0 + timedelta(seconds=now))
            channels.advance(args.cycle)
            _cycle(polling, worker, clock, errors)
        early = polling.early_polls.get("amazon", 0)
        with engine.connect() as conn:
            stored = int(conn.execute(select(func.count()).select_from(orders)).scalar() or 0)
    finally:
        channels.close()
        engine.dispose()
    base_sold, base_over = baseline(buyers, args.skus, args.stock)
    return {
        "buyers": len(buyers),
        "orders": accepted,
        "units_sold": sum(sold),
        "oversold_units": sum(max(s - args.stock, 0) for s in sold),
        "baseline_units_sold": base_sold,
        "baseline_oversold_units": base_over,
        "orders_duplicated": max(stored - accepted, 0),
        "orders_missing": max(accepted - stored, 0),
        "stock_units": args.skus * args.stock,
        "cycle_s": args.cycle,
        "error_rate": args.error_rate,
        "buffer": args.buffer,
        "import_failures": errors,
        "amazon_early_polls": early,
        "amazon_poll_s": DEFAULT_POLL_S["amazon"],
        "sale_watch": not args.no_sale_watch,
        "baseline_sync_s": BASELINE_S,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="oversell_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--buyers", type=int, default=120)
    parser.add_argument("--skus", type=int, default=4)
    parser.add_argument("--stock", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=90.0)
    parser.add_argument("--cycle", type=float, default=20.0, help="omnistock cycle (virtual s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--buffer", type=int, default=0, help="global buffer (default policy: 0)")
    parser.add_argument("--error-rate", type=float, default=0.02, help="sandbox 5xx fraction")
    parser.add_argument(
        "--no-sale-watch", action="store_true", help="Amazon orders only at the poll interval"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = simulate(args, Path(folder))
    result["wall_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key:>24}: {value}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
