"""Recovery, reconcile and status on the store (in-process crash simulation)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import pytest
from sync_helpers import CHANNEL, Db, MakeWorker

from omnistock.channels.base import PushBatch, PushReport
from omnistock.channels.fake import InMemoryChannel
from omnistock.service.clock import FixedClock
from omnistock.sync.status import sync_status


class Crash(BaseException):
    """Stands for the process dying (not an Exception: nothing catches it)."""


class CrashingChannel(InMemoryChannel):
    """Dies once, before or after the channel applied the push."""

    def __init__(self, *, after_apply: bool, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.after_apply = after_apply
        self.armed = True

    def push(self, batch: PushBatch) -> PushReport:
        if self.armed and not self.after_apply:
            self.armed = False
            raise Crash
        report = super().push(batch)
        if self.armed:
            self.armed = False
            raise Crash
        return report


@pytest.mark.parametrize("after_apply", [True, False])
def test_crash_between_send_and_record_looks_batch_up_instead_of_resending(
    db: Db, make_worker: MakeWorker, after_apply: bool
) -> None:
    db.add({"a": (4, 9), "b": (7, 1)})
    crashing = CrashingChannel(after_apply=after_apply, name=CHANNEL)
    worker, _ = make_worker(channel=crashing)
    with pytest.raises(Crash):
        worker.run_once()
    (batch,) = db.store.batches(CHANNEL)
    assert batch["status"] == "sending"
    assert db.states() == {"in_flight": 2}
    restarted, _ = make_worker(channel=crashing, holder="w2")
    restarted.run_once()  # the dead holder's lease was released by the finally block
    assert db.get("a") == (4, 4)
    assert db.get("b") == (7, 7)
    assert crashing.commands == 1  # one command, applied once
    assert set(crashing.received) == {UUID(batch["id"])}  # …and only ever that id
    assert len(crashing.received) == 1  # never resent once received


def test_reconcile_repairs_drift_through_the_normal_path(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9), "b": (6, 1), "c": (2, 0)})
    worker, fake = make_worker()
    worker.run_once()
    fake.set_quantity("a", 40)  # someone changed it on the channel
    fake.set_quantity("c", 2)
    (report,) = worker.reconcile()
    assert (report.checked, report.drift, report.missing) == (3, 1, 0)
    assert [(d.offer_id, d.desired, d.actual) for d in report.examples] == [("a", 4, 40)]
    assert db.get("a") == (4, 40)
    worker.run_once()
    assert fake.quantity("a") == 4
    assert db.get("a") == (4, 4)
    (again,) = worker.reconcile()
    assert again.drift == 0


def test_reconcile_reports_offers_the_channel_does_not_know(
    db: Db, make_worker: MakeWorker
) -> None:
    db.add({"a": (1, None)})
    worker, _ = make_worker()
    worker.dispatchers[CHANNEL].adapter = _Forgetful()  # type: ignore[assignment]
    (report,) = worker.reconcile()
    assert (report.missing, report.drift) == (1, 0)


class _Forgetful(InMemoryChannel):
    def read_quantities(self, offer_ids: Sequence[str]) -> dict[str, int]:
        return {}


def test_status_reports_per_channel_counts(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9), "gone": (1, 3), "c": (5, 1)})
    worker, fake = make_worker(missing_offers=["gone"])
    worker.run_once()
    db.set_desired("c", 8, clock.now())
    (status,) = sync_status(db.store, {CHANNEL: fake}, clock.now())
    assert status["channel"] == CHANNEL
    assert (status["dirty"], status["error"], status["dead"], status["in_flight"]) == (2, 1, 0, 0)
    assert status["breaker"] == "closed"
    assert status["last_success"] == clock.now().isoformat()
    budget = status["budget_left"]
    assert isinstance(budget, dict)
    assert budget["changes"] < 4500


def test_worker_loop_runs_until_stopped_and_reconciles(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    import threading
    import time

    from omnistock.sync.worker import LoopSettings

    db.add({"a": (4, 9)})
    worker, fake = make_worker()
    fake.set_quantity("a", 9)
    stop = threading.Event()
    loop = threading.Thread(
        target=worker.run, args=(stop, LoopSettings(interval_s=0.01, reconcile_every_s=0))
    )
    loop.start()
    deadline = time.monotonic() + 30
    while fake.reads == 0 or db.get("a") != (4, 4):
        assert time.monotonic() < deadline, "worker loop did not converge"
        stop.wait(0.01)
    stop.set()
    loop.join(timeout=30)
    assert not loop.is_alive()
    assert fake.quantity("a") == 4


class _Stuck(InMemoryChannel):
    """Accepts commands whose results never come, or whose status cannot be read."""

    def __init__(self, *, garbled: bool, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.garbled = garbled

    def poll(self, batch_id: UUID) -> PushReport:
        if self.garbled:
            from omnistock.channels.base import MalformedResponse

            raise MalformedResponse("<html>maintenance</html>")
        return PushReport(batch_id=batch_id, pending=True)


@pytest.mark.parametrize("garbled", [True, False])
def test_batch_that_never_settles_is_given_up_and_replanned(
    db: Db, make_worker: MakeWorker, clock: FixedClock, garbled: bool
) -> None:
    from omnistock.channels.fake import default_capabilities
    from omnistock.sync.dispatcher import SyncConfig
    from omnistock.sync.retry import RetryPolicy

    db.add({"a": (4, 9)})
    stuck = _Stuck(
        garbled=garbled, name=CHANNEL, capabilities=default_capabilities(async_results=True)
    )
    config = SyncConfig(
        retry=RetryPolicy(max_attempts=3, base_s=1, jitter=0), pending_timeout_s=600
    )
    worker, _ = make_worker(channel=stuck, config=config)
    for _ in range(5):
        worker.run_once()
        clock.advance(minutes=4)
    batches = db.store.batches(CHANNEL)
    assert batches[0]["status"] == "failed"
    assert len(batches) >= 2  # the listing was planned again, under a new batch id
    assert len({b["id"] for b in batches}) == len(batches)
    assert len(set(stuck.received)) == len(stuck.received) == len(batches)
