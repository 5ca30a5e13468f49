"""Two workers on PostgreSQL: never the same channel account at once, one shared budget."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sync_helpers import CHANNEL, Db, MakeWorker

from omnistock.channels.base import ChannelLimits
from omnistock.channels.fake import default_capabilities
from omnistock.service.clock import FixedClock

pytestmark = pytest.mark.postgres

LIMITS = ChannelLimits(requests_per_window=1000, changes_per_window=400, window_s=60)


def _race(workers: list[object], rounds: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def loop(worker: object) -> None:
        try:
            start.wait()
            for _ in range(rounds):
                worker.run_once()  # type: ignore[attr-defined]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_two_workers_never_push_one_account_concurrently_and_share_one_budget(
    engine: Engine, db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("multi-worker runs on PostgreSQL")
    db.add({f"o{i:03}": (1, 5) for i in range(600)})
    caps = default_capabilities(max_batch=50, limits=LIMITS)
    first, fake = make_worker(capabilities=caps, holder="w1", latency_s=0.01)
    second, _ = make_worker(channel=fake, holder="w2")
    assert _race([first, second], rounds=8) == []
    assert fake.max_concurrency == 1
    burst = sum(r.size for r in fake.call_log)
    assert burst == 200  # capacity = limit × burst share; the clock stands still
    clock.advance(seconds=60)
    assert _race([first, second], rounds=8) == []
    # the window [T0, T0 + 60 s] holds the burst plus one window's refill: exactly the limit
    assert sum(r.size for r in fake.call_log) == LIMITS.changes_per_window
    assert fake.max_concurrency == 1
    assert db.store.dirty_count(CHANNEL) == 600 - sum(r.size for r in fake.call_log)
