"""``/metrics`` scraped from a served app after real sync passes (the worker's engine over the
in-memory channel fake): pushes, batch sizes, propagation latency, calls and 429s, gauges,
orders, invoices and incidents — every figure read from the database, not from the worker."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import insert

from omnistock.channels.fake import Fault, FaultKind, InMemoryChannel
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.product import Product
from omnistock.service import catalog, stock
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_tables import invoices
from omnistock.store.operations_repository import read_figures
from omnistock.store.order_tables import orders
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.worker import Worker

DELAY_S = 42  # from the committed stock change to the worker's pass


def _samples(text: str) -> dict[str, float]:
    """``name{labels}`` → value of every sample line."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            found[key] = float(value)
    return found


def _sync_until_settled(app, fake: InMemoryChannel) -> None:
    store = SyncStore(app.engine)
    worker = Worker(
        store=store, adapters={"allegro": fake}, clock=app.clock, holder="w1",
        rng=random.Random(1),
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while store.dirty_count("allegro"):
        assert time.monotonic() < deadline, "the worker did not settle"
        worker.run_once()
        app.clock.advance(seconds=1)  # the 429's retry becomes due


def _seed_more(app) -> None:
    """Two more listed products (three listings on ``allegro`` with ``seeded``'s A1)."""
    for sku, on_hand in (("B2", 7), ("C3", 30)):
        catalog.add_product(app.uow(), Product(sku=Sku(sku), name=f"Talerz {sku}"))
        stock.set_stock(app.uow(), Sku(sku), on_hand, warehouse=WarehouseId("main"),
                        actor="test", now=app.clock.now())  # fmt: skip
        catalog.link_listing(app.uow(), Sku(sku), ChannelId("allegro"), f"offer-{sku}",
                             now=app.clock.now())  # fmt: skip


def _business_rows(app) -> None:
    now = app.clock.now()
    with app.engine.begin() as conn:
        conn.execute(insert(orders), [
            {"channel": "allegro", "external_id": f"o{n}", "status": "paid",
             "first_seen_at": now, "last_seen_at": now} for n in range(3)
        ])  # fmt: skip
        conn.execute(insert(invoices).values(
            seller_nip="5261040828", kind="VAT", series="FV", status="accepted",
            currency="PLN", created_at=now, updated_at=now,
        ))  # fmt: skip
    occurrence = Occurrence(kind=IncidentKind.BREAKER_OPEN, severity=Severity.WARNING,
                            subject="breaker", channel="allegro")  # fmt: skip
    IncidentStore(app.engine).record([occurrence], now=now)


def test_metrics_after_a_sync_pass(client, seeded, as_role) -> None:
    _seed_more(seeded)
    seeded.clock.advance(seconds=DELAY_S)
    fake = InMemoryChannel(name="allegro", offers={"offer-1": 0, "offer-B2": 0, "offer-C3": 0},
                           clock=seeded.clock.now)  # fmt: skip
    fake.script(Fault(kind=FaultKind.RATE_LIMIT, retry_after=0.5))
    _sync_until_settled(seeded, fake)
    _business_rows(seeded)

    answer = client.get("/metrics", headers=as_role("viewer"))
    assert answer.status_code == 200
    m = _samples(answer.text)
    ch = 'channel="allegro"'
    # a batch of 3 refused with a 429 (failed, its items retried), then a new batch of 3
    assert m[f'omnistock_pushes_total{{{ch},outcome="done"}}'] == 1
    assert m[f'omnistock_pushes_total{{{ch},outcome="failed"}}'] == 1
    assert m[f'omnistock_pushed_items_total{{{ch},outcome="ok"}}'] == 3
    assert m[f'omnistock_pushed_items_total{{{ch},outcome="retryable"}}'] == 3
    assert m[f"omnistock_push_batch_size_count{{{ch}}}"] == 2
    assert m[f'omnistock_push_batch_size_bucket{{{ch},le="1"}}'] == 0
    assert m[f'omnistock_push_batch_size_bucket{{{ch},le="5"}}'] == 2
    assert m[f"omnistock_push_batch_size_sum{{{ch}}}"] == 6
    assert m[f"omnistock_propagation_latency_seconds_count{{{ch}}}"] == 3
    assert m[f'omnistock_propagation_latency_seconds_bucket{{{ch},le="30"}}'] == 0
    assert m[f'omnistock_propagation_latency_seconds_bucket{{{ch},le="60"}}'] == 3
    total = m[f"omnistock_propagation_latency_seconds_sum{{{ch}}}"]
    assert 3 * DELAY_S <= total < 3 * (DELAY_S + 10)
    assert m[f"omnistock_channel_http_429_total{{{ch}}}"] == 1
    assert m[f'omnistock_channel_api_calls_total{{{ch},outcome="rate_limited"}}'] == 1
    assert m[f'omnistock_channel_api_calls_total{{{ch},outcome="ok"}}'] == 1
    assert m[f"omnistock_listings_dirty{{{ch}}}"] == 0
    assert m[f"omnistock_listings_held{{{ch}}}"] == 0
    assert m[f"omnistock_listings_dead{{{ch}}}"] == 0
    assert m[f"omnistock_orders_imported_total{{{ch}}}"] == 3
    assert m['omnistock_orders{status="paid"}'] == 3
    assert m['omnistock_invoices{status="accepted"}'] == 1
    assert m['omnistock_incidents_open{severity="warning"}'] == 1
    assert fake.quantity("offer-C3") > 0  # the channel really shows the pushed numbers


def test_latency_is_computed_on_postgresql_too(engine) -> None:
    """The dialect's own date arithmetic (``julianday`` / ``extract(epoch …)``), both engines."""
    from datetime import UTC, datetime

    from omnistock.store.sync_tables import sync_batch_items, sync_batches
    from omnistock.store.tables import channels, listings, products

    t0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(channels).values(name="shop", kind="woocommerce"))
        conn.execute(insert(products).values(sku="S1", name="x", vat="23", unit="szt.",
                                             price_gross=1))  # fmt: skip
        conn.execute(insert(listings).values(channel="shop", sku="S1", offer_id="1", desired=4,
                                             last_pushed=None, observed_at=t0))  # fmt: skip
        for n, (status, after) in enumerate((("done", 2.5), ("done", 90), ("failed", 1))):
            conn.execute(insert(sync_batches).values(
                id=f"b{n}", channel="shop", status=status, created_at=t0,
                finished_at=t0 + timedelta(seconds=after)))  # fmt: skip
            conn.execute(insert(sync_batch_items).values(
                batch_id=f"b{n}", offer_id="1", sku="S1", quantity=4, observed_at=t0,
                status="ok" if status == "done" else "permanent"))  # fmt: skip
    figures = read_figures(engine, latency_bounds=(1, 5, 60, 120))
    latency = figures.latency["shop"]
    assert (latency.count, latency.cumulative) == (2, (0, 1, 1, 2))
    assert abs(latency.total - 92.5) < 0.01
    assert figures.pushes == {("shop", "done"): 2, ("shop", "failed"): 1}
    assert figures.dirty == {"shop": 1}
    assert figures.batch_sizes["shop"].count == 3
