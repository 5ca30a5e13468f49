"""A failing or hung channel account is isolated and reported, on threads and in serial mode."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sync_helpers import DEADLINE_S, T0, Db, Gate, wait_for

from omnistock.channels.base import PushBatch, PushReport
from omnistock.channels.fake import InMemoryChannel
from omnistock.domain.incidents import Incident, IncidentKind, Occurrence, Severity
from omnistock.service.clock import FixedClock
from omnistock.service.incidents import dead_item_occurrences
from omnistock.service.notifications import AlertsTick
from omnistock.store.engine import make_engine
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.worker import LoopSettings, Worker


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
    fine = InMemoryChannel(name="fine")
    worker = Worker(
        store=db.store,
        adapters={"a_broken": Broken(name="a_broken"), "fine": fine},
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
    try:  # the in-memory database has one connection: the loop owns it until it stops
        wait_for(lambda: len(ticks) >= 2, "two passes' ticks")
        wait_for(lambda: fine.quantity("f1") == 4, "the later account's push")
    finally:
        stop.set()
        loop.join(DEADLINE_S)
    assert not loop.is_alive()
    assert db.get("f1", channel="fine") == (4, 4)


def _threaded(db: Db, clock: FixedClock, adapters: dict[str, InMemoryChannel], **kw: Any) -> Worker:
    return Worker(
        store=db.store, adapters=adapters, clock=clock, holder="w1", rng=random.Random(3), **kw
    )


def test_an_account_failing_fail_after_passes_in_a_row_is_one_critical_incident(
    db: Db, clock: FixedClock
) -> None:
    db.add({"b1": (3, 1)}, channel="a_broken")
    db.add({"f1": (4, 2)}, channel="fine")
    adapters = {"a_broken": Broken(name="a_broken"), "fine": InMemoryChannel(name="fine")}
    worker = _threaded(db, clock, adapters, fail_after=3)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            worker.run_once()
    assert dead_item_occurrences(db.store, now=clock.now()) == []  # not yet: 2 of 3
    with pytest.raises(RuntimeError):
        worker.run_once()
    (occurrence,) = dead_item_occurrences(db.store, now=clock.now())
    assert (occurrence.kind, occurrence.severity) == (IncidentKind.PASS_FAILED, Severity.CRITICAL)
    assert (occurrence.channel, occurrence.subject) == ("a_broken", "sync passes failing")
    assert occurrence.detail == "3 passes failed: RuntimeError: adapter bug"
    with pytest.raises(RuntimeError):
        worker.run_once()
    assert dead_item_occurrences(db.store, now=clock.now()) == []  # once per failing streak
    broken, fine = worker.health["a_broken"], worker.health["fine"]
    assert (broken.failures, broken.last_ok, broken.last_finished) == (4, None, T0)
    assert (fine.failures, fine.last_ok, fine.running_since) == (0, T0, None)
    with pytest.raises(ValueError, match="fail_after"):
        _threaded(db, clock, adapters, fail_after=0)


def test_the_loop_turns_an_always_failing_account_into_an_incident_via_the_alerts_tick(
    db: Db, clock: FixedClock
) -> None:
    db.add({"b1": (5, None)}, channel="bad")
    db.add({"a1": (5, None)}, channel="good")
    incidents = IncidentStore(db.engine)
    alerts = AlertsTick(
        sync=db.store, safety=SafetyStore(db.engine), incidents=incidents, holder="w1"
    )
    adapters = {"bad": Broken(name="bad"), "good": InMemoryChannel(name="good")}
    worker = _threaded(db, clock, adapters, tick=[alerts])
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run, args=(stop, LoopSettings(interval_s=0.01, reconcile_every_s=None))
    )
    loop.start()

    def failing() -> list[Incident]:
        return [i for i in incidents.incidents() if i.kind is IncidentKind.PASS_FAILED]

    try:
        wait_for(lambda: bool(failing()), "the pass_failed incident")
        wait_for(lambda: db.get("a1", channel="good") == (5, 5), "the good account's push")
    finally:
        stop.set()
        loop.join(DEADLINE_S)
    (incident,) = failing()
    assert (incident.channel, incident.severity) == ("bad", Severity.CRITICAL)


def test_a_pass_hung_longer_than_stale_after_is_reported_once(db: Db, clock: FixedClock) -> None:
    db.add({"s1": (3, 1)}, channel="hung")
    db.add({"f1": (4, 2)}, channel="fine")
    hung = Gate(name="hung")
    worker = _threaded(db, clock, {"hung": hung, "fine": InMemoryChannel(name="fine")})
    stop = threading.Event()
    settings = LoopSettings(interval_s=0.01, reconcile_every_s=None, stale_after_s=60)
    loop = threading.Thread(target=worker.run, args=(stop, settings))
    loop.start()
    found: list[Occurrence] = []

    def seen() -> bool:
        found.extend(dead_item_occurrences(db.store, now=clock.now()))
        return bool(found)

    try:
        assert hung.entered.wait(DEADLINE_S)
        assert worker.health["hung"].running_since == T0
        clock.advance(seconds=30)
        wait_for(lambda: db.get("f1", channel="fine") == (4, 4), "the other account's push")
        fine = worker.health["fine"]  # its passes go on: the next ones start at T0 + 30 s
        wait_for(lambda: (fine.last_finished or T0) > T0, "a pass of the other account after 30 s")
        assert not seen()  # 30 s: not stale yet
        clock.advance(seconds=31)
        wait_for(seen, "the hung pass reported")
        wait_for(lambda: worker.health["hung"].stale_reported, "the report noted")
    finally:
        hung.gate.set()
        wait_for(lambda: db.get("s1", channel="hung") == (3, 3), "the hung push to finish")
        stop.set()
        loop.join(DEADLINE_S)
    (occurrence,) = found
    assert (occurrence.kind, occurrence.channel) == (IncidentKind.PASS_FAILED, "hung")
    assert (occurrence.subject, occurrence.detail) == (
        "sync pass hung",
        "a pass running since 2026-03-02T09:00:00+00:00",
    )


class Fatal(BaseException):
    """Not an ``Exception``: ends the account's thread."""


class DiesOnce(InMemoryChannel):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.died = False

    def push(self, batch: PushBatch) -> PushReport:
        if not self.died:
            self.died = True
            raise Fatal("thread killed")
        return super().push(batch)


def test_a_dead_account_thread_is_reported_and_started_again(db: Db, clock: FixedClock) -> None:
    db.add({"d1": (3, 1)}, channel="dies")
    db.add({"f1": (4, 2)}, channel="fine")
    worker = _threaded(db, clock, {"dies": DiesOnce(name="dies"), "fine": InMemoryChannel()})
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run, args=(stop, LoopSettings(interval_s=0.01, reconcile_every_s=None))
    )
    loop.start()
    try:
        wait_for(lambda: db.get("d1", channel="dies") == (3, 3), "the push after the restart")
    finally:
        stop.set()
        loop.join(DEADLINE_S)
    assert not loop.is_alive()
    assert worker.health["dies"].restarts == 1
    (occurrence,) = dead_item_occurrences(db.store, now=clock.now())
    assert (occurrence.kind, occurrence.channel) == (IncidentKind.PASS_FAILED, "dies")
    assert (occurrence.subject, occurrence.detail) == (
        "sync thread died",
        "account thread died (Fatal: thread killed)",
    )
