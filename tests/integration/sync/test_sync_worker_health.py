"""A failing or hung channel account is isolated and reported, on threads and in serial mode."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sync_helpers import T0, Db

from omnistock.channels.base import PushBatch, PushReport
from omnistock.channels.fake import InMemoryChannel
from omnistock.service.clock import FixedClock
from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.worker import LoopSettings, Worker

DEADLINE_S = 20.0


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # polling a condition with a deadline


class Broken(InMemoryChannel):
    def push(self, batch: PushBatch) -> PushReport:
        raise RuntimeError("adapter bug")


@pytest.fixture
def memory_db() -> Iterator[Db]:
    """An in-memory ``sqlite://`` database: one shared connection, accounts run serially."""
    engine = make_engine("sqlite://")
    upgrade_to_head(engine)
    yield Db(engine=engine, store=SyncStore(engine))
    engine.dispose()


def test_serial_pass_a_failing_first_account_skips_neither_later_accounts_nor_ticks(
    memory_db: Db,
) -> None:
    db, clock = memory_db, FixedClock(T0)
    db.add({"b1": (3, 1)}, channel="a_broken")  # sorts first
    db.add({"f1": (4, 2)}, channel="fine")
    ticks: list[datetime] = []
    worker = Worker(
        store=db.store,
        adapters={"a_broken": Broken(name="a_broken"), "fine": InMemoryChannel(name="fine")},
        clock=clock,
        holder="w1",
        rng=random.Random(3),
        tick=[ticks.append],
    )
    assert not worker.threads
    with pytest.raises(RuntimeError, match="adapter bug"):
        worker.run_once()  # the error still surfaces, after everything else ran
    assert db.get("f1", channel="fine") == (4, 4)
    assert ticks == [T0]
    assert db.store.channel_row("a_broken").lease_holder is None


def test_serial_loop_keeps_serving_later_accounts_and_ticks_while_the_first_fails(
    memory_db: Db,
) -> None:
    db, clock = memory_db, FixedClock(T0)
    db.add({"b1": (3, 1)}, channel="a_broken")
    db.add({"f1": (4, 2)}, channel="fine")
    ticks: list[datetime] = []
    worker = Worker(
        store=db.store,
        adapters={"a_broken": Broken(name="a_broken"), "fine": InMemoryChannel(name="fine")},
        clock=clock,
        holder="w1",
        rng=random.Random(3),
        tick=[ticks.append],
    )
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run, args=(stop, LoopSettings(interval_s=0.01, reconcile_every_s=None))
    )
    loop.start()
    try:
        _wait_for(lambda: len(ticks) >= 2, "two passes' ticks")
        _wait_for(lambda: db.get("f1", channel="fine") == (4, 4), "the later account's push")
    finally:
        stop.set()
        loop.join(DEADLINE_S)
    assert not loop.is_alive()
