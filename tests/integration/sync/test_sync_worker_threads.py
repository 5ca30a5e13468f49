"""The worker serves channel accounts concurrently: a slow account never delays another."""

from __future__ import annotations

import random
import threading

import pytest
from sync_helpers import DEADLINE_S, Db, Gate, wait_for

from omnistock.channels.base import PushBatch, PushReport
from omnistock.channels.fake import InMemoryChannel
from omnistock.service.clock import FixedClock
from omnistock.sync.worker import LoopSettings, Worker


class Broken(InMemoryChannel):
    def push(self, batch: PushBatch) -> PushReport:
        raise RuntimeError("adapter bug")


def _worker(db: Db, clock: FixedClock, adapters: dict[str, InMemoryChannel]) -> Worker:
    return Worker(store=db.store, adapters=adapters, clock=clock, holder="w1", rng=random.Random(3))


def test_a_pass_pushes_a_fast_account_while_a_slow_one_is_still_sending(
    db: Db, clock: FixedClock
) -> None:
    db.add({"s1": (3, 1)}, channel="a_slow")  # sorts first: a sequential pass would wait on it
    db.add({"f1": (4, 2)}, channel="fast")
    slow, fast = Gate(name="a_slow"), InMemoryChannel(name="fast")
    worker = _worker(db, clock, {"a_slow": slow, "fast": fast})
    assert worker.threads
    runs: list[object] = []
    passing = threading.Thread(target=lambda: runs.extend(worker.run_once()))
    passing.start()
    try:
        assert slow.entered.wait(DEADLINE_S)
        wait_for(lambda: db.get("f1", channel="fast") == (4, 4), "the fast account's push")
        assert fast.quantity("f1") == 4
        assert db.get("s1", channel="a_slow") == (3, 1)  # still in flight
    finally:
        slow.gate.set()
        passing.join(DEADLINE_S)
    assert [r.channel for r in runs] == ["a_slow", "fast"]  # type: ignore[attr-defined]
    assert db.get("s1", channel="a_slow") == (3, 3)


def test_a_failing_account_does_not_stop_the_others_and_its_error_surfaces(
    db: Db, clock: FixedClock
) -> None:
    db.add({"b1": (3, 1)}, channel="a_broken")
    db.add({"f1": (4, 2)}, channel="fast")
    worker = _worker(db, clock, {"a_broken": Broken(name="a_broken"), "fast": InMemoryChannel()})
    with pytest.raises(RuntimeError, match="adapter bug"):
        worker.run_once()
    assert db.get("f1", channel="fast") == (4, 4)
    assert db.store.channel_row("a_broken").lease_holder is None  # released despite the error


def test_the_loop_keeps_passing_a_fast_account_while_a_slow_push_hangs(
    db: Db, clock: FixedClock
) -> None:
    db.add({"s1": (3, 1)}, channel="a_slow")
    db.add({"f1": (4, 2)}, channel="fast")
    slow, fast = Gate(name="a_slow"), InMemoryChannel(name="fast")
    worker = _worker(db, clock, {"a_slow": slow, "fast": fast})
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run, args=(stop, LoopSettings(interval_s=0.01, reconcile_every_s=None))
    )
    loop.start()
    try:
        assert slow.entered.wait(DEADLINE_S)
        wait_for(lambda: db.get("f1", channel="fast") == (4, 4), "the first fast push")
        db.set_desired("f1", 9, clock.now(), channel="fast")  # a later change, same slow pass
        wait_for(lambda: db.get("f1", channel="fast") == (9, 9), "the second fast push")
        assert [r.size for r in fast.call_log] == [1, 1]
        assert not slow.call_log  # the slow account's first push has not returned yet
    finally:
        slow.gate.set()
        wait_for(lambda: db.get("s1", channel="a_slow") == (3, 3), "the slow push")
        stop.set()
        loop.join(DEADLINE_S)
    assert not loop.is_alive()
