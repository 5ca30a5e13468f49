"""The sync engine (``Worker`` on the store) driving each real adapter against its sandbox.

Listings with a desired quantity become pushes through the dispatcher (pending reports polled
by its recovery), and the sandbox ends up showing exactly the desired quantities.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from channel_harness import Harness
from sqlalchemy import Engine, insert, select

from omnistock.channels.meta import MetaAdapter, MetaConfig
from omnistock.service.clock import FixedClock
from omnistock.store.sync_repository import SyncStore
from omnistock.store.tables import channels, listings, products
from omnistock.sync.worker import Worker

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
HARNESSES = ["allegro_channel", "woo_channel", "amazon_channel", "meta_channel"]


def _listings(engine: Engine, channel: str, rows: dict[str, tuple[int, int]]) -> None:
    """Listings ``offer → (desired, last_pushed)``."""
    with engine.begin() as conn:
        conn.execute(insert(channels).values(name=channel, kind=channel))
        conn.execute(
            insert(products),
            [
                {"sku": f"SKU-{n}", "name": o, "vat": "23", "unit": "szt.", "price_gross": 1}
                for n, o in enumerate(rows)
            ],
        )
        conn.execute(
            insert(listings),
            [
                {
                    "channel": channel,
                    "sku": f"SKU-{n}",
                    "offer_id": offer,
                    "desired": desired,
                    "last_pushed": last,
                    "observed_at": T0,
                }
                for n, (offer, (desired, last)) in enumerate(rows.items())
            ],
        )


def _pushed(engine: Engine, channel: str) -> dict[str, Any]:
    c = listings.c
    with engine.begin() as conn:
        rows = conn.execute(select(c.offer_id, c.last_pushed).where(c.channel == channel))
        return {r.offer_id: r.last_pushed for r in rows}


@pytest.mark.parametrize("name", HARNESSES)
def test_worker_brings_the_channel_to_the_desired_quantities(
    engine: Engine, request: pytest.FixtureRequest, name: str
) -> None:
    harness: Harness = request.getfixturevalue(name)
    ids = list(harness.seed({f"o{n}": 5 for n in range(12)}).values())
    desired = {o: (0 if n % 4 == 0 else 7 + n) for n, o in enumerate(ids)}
    _listings(engine, harness.name, {o: (q, 5) for o, q in desired.items()})
    clock = FixedClock(T0)
    worker = Worker(
        store=SyncStore(engine),
        adapters={harness.name: harness.adapter},
        clock=clock,
        holder="w1",
        rng=random.Random(1),
    )
    deadline = time.monotonic() + 30
    while _pushed(engine, harness.name) != desired:
        assert time.monotonic() < deadline, _pushed(engine, harness.name)
        worker.run_once()
        clock.advance(timedelta(seconds=30))
        harness.advance(30)
    assert dict(harness.adapter.read_quantities(ids)) == desired


def test_meta_batch_pending_over_a_restart_is_polled_by_its_stored_handle(
    engine: Engine, meta_channel: Harness
) -> None:
    ids = list(meta_channel.seed({"a": 5, "b": 5}).values())
    _listings(engine, "meta", {ids[0]: (2, 5), ids[1]: (0, 5)})
    meta_channel.faults(async_delay_seconds=60)

    def worker(adapter: Any) -> Worker:
        return Worker(store=SyncStore(engine), adapters={"meta": adapter}, clock=FixedClock(T0),
                      holder="w1", rng=random.Random(1))  # fmt: skip

    worker(meta_channel.adapter).run_once()  # sent: Meta answers a handle, the batch is pending
    assert _pushed(engine, "meta") == dict.fromkeys(ids, 5)
    restarted = MetaAdapter(
        MetaConfig(
            graph_url=meta_channel.extra["url"],
            catalog_id=meta_channel.extra["catalog"],
            access_token="omnistock-sandbox",
        )
    )  # a new process: no handle in memory
    try:
        again = worker(restarted)
        again.run_once()  # still processing: polled by the stored handle, not sent again
        meta_channel.advance(60)
        again.run_once()
    finally:
        restarted.close()
    assert _pushed(engine, "meta") == {ids[0]: 2, ids[1]: 0}
    assert meta_channel.admin is not None
    path = f"/v26.0/{meta_channel.extra['catalog']}/items_batch"
    batches = meta_channel.admin.get("/_sandbox/requests", params={"path": path}).json()
    assert len(batches) == 1  # the batch went out once
