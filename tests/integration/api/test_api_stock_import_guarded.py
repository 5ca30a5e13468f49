"""``POST /api/v1/stock/import`` runs the safety guard's feed gate like the CLI (#6 A2)."""

from __future__ import annotations

import random

from api_books import T0
from sqlalchemy import select, update

from omnistock.channels.fake import InMemoryChannel
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.domain.safety import HoldStatus
from omnistock.service import catalog, stock
from omnistock.service.holds import safety_parts
from omnistock.store.sync_tables import sync_listing_state
from omnistock.store.tables import listings
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker

N = 20


def _catalogue(app) -> None:
    """N more SKUs with 30 on hand on ``allegro``, already shown by the channel."""
    for i in range(N):
        sku = Sku(f"B{i:02}")
        catalog.add_product(app.uow(), Product(sku=sku, name=f"Produkt {i}"))
        stock.set_stock(app.uow(), sku, 30, warehouse=WarehouseId("main"), actor="t", now=T0)
        catalog.link_listing(app.uow(), sku, ChannelId("allegro"), f"o-{i:02}", now=T0)
    with app.engine.begin() as conn:
        conn.execute(update(listings).values(last_pushed=listings.c.desired))


def test_an_all_zero_feed_posted_to_the_api_is_one_hold_and_nothing_is_pushed(
    client, seeded, as_role
) -> None:
    _catalogue(seeded)
    zeros = "sku,warehouse,on_hand\n" + "".join(f"B{i:02},main,0\n" for i in range(N))
    answer = client.post(
        "/api/v1/stock/import",
        json={"csv": zeros, "source": "erp"},
        headers=as_role("operator"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["applied"] == N

    parts = safety_parts(seeded.engine, {}, clock=seeded.clock.now)
    holds = parts.safety.holds()
    assert [(h.status, len(h.items)) for h in holds] == [(HoldStatus.PENDING, N)]
    assert [f.import_id for f in parts.safety.feeds("erp")] == [holds[0].cause]
    c = sync_listing_state.c
    with seeded.engine.begin() as conn:
        states = set(conn.execute(select(c.state).where(c.offer_id.like("o-%"))).scalars())
    assert states == {"held"}

    fake = InMemoryChannel(name="allegro", clock=seeded.clock.now)
    for i in range(N):
        fake.set_quantity(f"o-{i:02}", 30)
    worker = Worker(
        store=parts.sync,
        adapters={"allegro": fake},
        clock=seeded.clock,
        holder="w1",
        config=SyncConfig(guard=parts.guard, reread=parts.reread),
        rng=random.Random(1),
    )
    worker.run_once()
    assert {fake.quantity(f"o-{i:02}") for i in range(N)} == {30}


def test_an_empty_feed_posted_to_the_api_is_refused_naming_feed(client, seeded, as_role) -> None:
    _catalogue(seeded)
    full = "sku,warehouse,on_hand\n" + "".join(f"B{i:02},main,30\n" for i in range(N))
    op = as_role("operator")
    assert client.post("/api/v1/stock/import", json={"csv": full}, headers=op).status_code == 200
    truncated = "sku,warehouse,on_hand\nB00,main,29\n"
    answer = client.post("/api/v1/stock/import", json={"csv": truncated}, headers=op)
    assert answer.status_code == 422, answer.text
    assert {e["field"] for e in answer.json()["errors"]} == {"feed"}
    shown = client.get("/api/v1/stock/B00", headers=as_role("viewer")).json()
    assert shown["on_hand"] == 30
