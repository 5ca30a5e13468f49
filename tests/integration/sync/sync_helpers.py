"""Helpers and fixtures for the sync engine on the store: listings, a fake channel, a worker.

Imported by ``conftest.py`` (fixtures) and by the tests (types, constants).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, select, update

from omnistock.channels.base import Capabilities, PushBatch, PushReport
from omnistock.channels.fake import InMemoryChannel, default_capabilities
from omnistock.service.clock import FixedClock
from omnistock.store.sync_repository import SyncStore
from omnistock.store.tables import channels, listings, products
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
CHANNEL = "allegro"


@dataclass
class Db:
    """Test access to listings (tests may use SQL directly) and the sync store."""

    engine: Engine
    store: SyncStore

    def add(self, rows: dict[str, tuple[int | None, int | None]], channel: str = CHANNEL) -> None:
        """Listings ``offer_id → (desired, last_pushed)``, SKU = offer id upper-cased."""
        with self.engine.begin() as conn:
            known = conn.execute(select(channels.c.name).where(channels.c.name == channel))
            if known.first() is None:
                conn.execute(insert(channels).values(name=channel, kind="allegro"))
            conn.execute(
                insert(products),
                [
                    {
                        "sku": f"{channel}:{o}".upper(),
                        "name": o,
                        "vat": "23",
                        "unit": "szt.",
                        "price_gross": 1,
                    }
                    for o in rows
                ],
            )
            conn.execute(
                insert(listings),
                [
                    {
                        "channel": channel,
                        "sku": f"{channel}:{offer}".upper(),
                        "offer_id": offer,
                        "desired": desired,
                        "last_pushed": last,
                        "observed_at": T0,
                    }
                    for offer, (desired, last) in rows.items()
                ],
            )

    def set_desired(
        self, offer_id: str, desired: int, at: datetime, channel: str = CHANNEL
    ) -> None:
        c = listings.c
        with self.engine.begin() as conn:
            conn.execute(
                update(listings)
                .where(c.channel == channel, c.offer_id == offer_id)
                .values(desired=desired, observed_at=at)
            )

    def get(self, offer_id: str, channel: str = CHANNEL) -> tuple[int | None, int | None]:
        c = listings.c
        query = select(c.desired, c.last_pushed).where(c.channel == channel, c.offer_id == offer_id)
        with self.engine.begin() as conn:
            row = conn.execute(query).one()
        return row.desired, row.last_pushed

    def states(self, channel: str = CHANNEL) -> dict[str, int]:
        return self.store.state_counts(channel)


@pytest.fixture
def db(engine: Engine) -> Db:
    return Db(engine=engine, store=SyncStore(engine))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


MakeWorker = Callable[..., tuple[Worker, InMemoryChannel]]


@pytest.fixture
def make_worker(db: Db, clock: FixedClock) -> MakeWorker:
    def make(
        *,
        capabilities: Capabilities | None = None,
        config: SyncConfig | None = None,
        channel: InMemoryChannel | None = None,
        holder: str = "w1",
        **fake: object,
    ) -> tuple[Worker, InMemoryChannel]:
        fake_channel = channel or InMemoryChannel(
            name=CHANNEL,
            capabilities=capabilities or default_capabilities(),
            clock=clock.now,
            **fake,  # type: ignore[arg-type]
        )
        worker = Worker(
            store=db.store,
            adapters={CHANNEL: fake_channel},
            clock=clock,
            holder=holder,
            config=config,
            rng=random.Random(4),
        )
        return worker, fake_channel

    return make


DEADLINE_S = 20.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``DEADLINE_S``."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # polling a condition with a deadline


class Gate(InMemoryChannel):
    """A channel whose pushes block until the test opens the gate (a hung or slow call)."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.entered = threading.Event()
        self.gate = threading.Event()

    def push(self, batch: PushBatch) -> PushReport:
        self.entered.set()
        if not self.gate.wait(DEADLINE_S):
            raise AssertionError("the gate was never opened")
        return super().push(batch)
