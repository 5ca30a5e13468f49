"""Helpers of the safety scenarios: a synced catalog, a guarded worker, waiting with a deadline."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, insert, update

from omnistock.channels.fake import InMemoryChannel
from omnistock.domain.incidents import NotificationPolicy, Via
from omnistock.service.clock import FixedClock
from omnistock.service.holds import SafetyParts, safety_parts
from omnistock.service.notifications import AlertsTick, tick_notifier
from omnistock.service.stock import import_stock
from omnistock.store.tables import channels, listings, products
from omnistock.store.unit_of_work import SqlUnitOfWork
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker


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


T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # Saturday night


def catalog(n: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    return {f"SKU-{i:04d}": rng.randint(1, 60) for i in range(n)}


def feed(stock: dict[str, int]) -> str:
    return "sku,warehouse,on_hand\n" + "".join(f"{s},main,{q}\n" for s, q in stock.items())


def listed_on_fakes(
    engine: Engine, n: int, accounts: Sequence[str]
) -> tuple[dict[str, int], dict[str, InMemoryChannel], FixedClock]:
    """``n`` SKUs listed as ``o-SKU`` on in-memory ``accounts`` that show the stock already;
    the clock two hours after ``T0``."""
    stock = catalog(n)
    fakes = {name: InMemoryChannel(name=name) for name in accounts}
    for fake in fakes.values():
        for sku, qty in stock.items():
            fake.set_quantity(f"o-{sku}", qty)
    add_catalog(engine, stock, {name: {s: f"o-{s}" for s in stock} for name in accounts})
    return stock, fakes, FixedClock(T0 + timedelta(hours=2))


def add_catalog(engine: Engine, stock: dict[str, int], offers: dict[str, dict[str, str]]) -> None:
    """Products, channel accounts and listings (``offers``: channel → SKU → offer id)."""
    with engine.begin() as conn:
        conn.execute(
            insert(channels),
            [
                {"name": ch, "kind": "allegro" if ch == "allegro" else "woocommerce"}
                for ch in offers
            ],
        )
        conn.execute(
            insert(products),
            [
                {"sku": s, "name": f"Produkt {s}", "vat": "23", "unit": "szt.", "price_gross": 1}
                for s in stock
            ],
        )
        conn.execute(
            insert(listings),
            [
                {"channel": ch, "sku": s, "offer_id": o, "observed_at": T0}
                for ch, ids in offers.items()
                for s, o in ids.items()
            ],
        )


def import_feed(engine: Engine, parts: SafetyParts, text: str, now: datetime) -> Any:
    return import_stock(
        SqlUnitOfWork(engine), text, source="erp", actor="test", now=now, gate=parts.gate
    )


def mark_synced(engine: Engine) -> None:
    """The channels already show every desired quantity (they were seeded with them)."""
    with engine.begin() as conn:
        conn.execute(update(listings).values(last_pushed=listings.c.desired))


def guarded_worker(
    engine: Engine,
    adapters: dict[str, Any],
    clock: FixedClock,
    *,
    senders: dict[Via, Any] | None = None,
    policy: NotificationPolicy | None = None,
) -> tuple[Worker, SafetyParts, AlertsTick]:
    parts = safety_parts(engine, {}, clock=clock.now)
    notifier = tick_notifier(senders) if senders else None
    tick = AlertsTick(
        sync=parts.sync,
        safety=parts.safety,
        incidents=parts.incidents,
        holder="w1",
        policy=policy or NotificationPolicy(enabled=frozenset(senders or {})),
        notifier=notifier,
    )
    config = SyncConfig(
        guard=parts.guard, reread=parts.reread, paused=parts.paused, read_check=parts.read_check
    )
    worker = Worker(
        store=parts.sync,
        adapters=adapters,
        clock=clock,
        holder="w1",
        config=config,
        rng=random.Random(1),
        tick=[tick],
    )
    return worker, parts, tick


def wait_for(condition: Callable[[], bool], deadline_s: float, what: str) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.02)


def run_until(
    worker: Worker,
    clock: FixedClock,
    sandboxes: Sequence[Any],
    done: Callable[[], bool],
    deadline_s: float = 90,
) -> None:
    """Worker passes (advancing the clocks) until ``done``."""
    end = time.monotonic() + deadline_s
    while not done():
        assert time.monotonic() < end, "worker did not finish"
        worker.run_once()
        clock.advance(timedelta(seconds=30))
        for sandbox in sandboxes:
            sandbox.clock.advance(30)
