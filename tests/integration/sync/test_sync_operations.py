"""Push operations with their own limits (Amazon patch vs feed): one budget per operation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sync_helpers import CHANNEL, T0, Db, MakeWorker

from omnistock.channels.base import ChannelLimits, PushBatch, PushOperation, PushReport, RateLimited
from omnistock.channels.fake import Fault, FaultKind, InMemoryChannel, default_capabilities
from omnistock.service.clock import FixedClock
from omnistock.store.tables import listings
from omnistock.sync.status import sync_status

PATCH = PushOperation(
    name="patch",
    max_items=2,
    limits=ChannelLimits(requests_per_window=60, changes_per_window=60, window_s=60),
    burst=4 / 60,  # 4 requests at once, then one a second
    requests_per_item=True,
)
FEED = PushOperation(
    name="feed",
    max_items=100,
    limits=ChannelLimits(requests_per_window=5, changes_per_window=500, window_s=300),
    burst=0.2,  # one feed at once, then one per 75 s: never more than 5 in any 300 s
)
CAPS = default_capabilities(max_batch=100, operations=(PATCH, FEED))


def _dirty(db: Db, offers: list[str], at_s: float, value: int) -> None:
    for o in offers:
        db.set_desired(o, value, T0 + timedelta(seconds=at_s))


def test_a_used_feed_quota_waits_while_small_change_sets_go_by_patch(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    offers = [f"o{i:02}" for i in range(10)]
    db.add(dict.fromkeys(offers, (5, 9)))
    worker, fake = make_worker(capabilities=CAPS)
    worker.run_once()
    assert [r.size for r in fake.call_log] == [10]  # one feed
    _dirty(db, offers[:5], 1, 3)
    (run,) = worker.run_once()
    assert [r.size for r in fake.call_log] == [10]  # five do not fit a patch: wait for a feed
    assert 0 < run.budget_wait_s <= 75
    _dirty(db, offers[:5], 2, 5)  # back to what the channel shows …
    _dirty(db, offers[:2], 3, 1)  # … but two decrease: a patch holds them
    worker.run_once()
    assert [r.size for r in fake.call_log] == [10, 2]
    assert [fake.quantity(o) for o in offers[:3]] == [1, 1, 5]
    _dirty(db, offers[2:9], 4, 2)
    worker.run_once()
    assert len(fake.call_log) == 2  # the feed budget is still empty
    clock.advance(seconds=75)
    worker.run_once()
    assert [r.size for r in fake.call_log] == [10, 2, 7]
    assert db.store.dirty_count(CHANNEL) == 0
    assert set(db.store.operation_budgets(CHANNEL)) == {"patch", "feed"}


class OwnLimiter(InMemoryChannel):
    """Raises the adapter-side quota ``RateLimited`` (no HTTP status) for the first feed."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.refused = 0

    def push(self, batch: PushBatch) -> PushReport:
        if len(batch.items) > PATCH.max_items and not self.refused:
            self.refused += 1
            raise RateLimited("feed quota", channel=self.name, retry_after=120, http_status=None)
        return super().push(batch)


def test_our_own_feed_limiter_blocks_only_the_feed_budget_and_shrinks_nothing(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    offers = [f"o{i:02}" for i in range(6)]
    db.add(dict.fromkeys(offers, (5, 9)))
    channel = OwnLimiter(name=CHANNEL, capabilities=CAPS, clock=clock.now)
    worker, _ = make_worker(channel=channel)
    worker.run_once()
    assert channel.refused == 1
    assert channel.call_log == []
    budgets = db.store.operation_budgets(CHANNEL)
    assert budgets["feed"].scale == 1.0  # not halved: nothing was sent, no 429 met
    assert budgets["feed"].blocked_until == T0 + timedelta(seconds=120)
    assert "patch" not in budgets  # the patch budget was never touched
    (status,) = sync_status(db.store, {CHANNEL: channel}, clock.now())
    assert status["operation_budgets_left"] == {
        "patch": {"requests": 4.0, "changes": 4.0, "blocked_until": None},
        "feed": {"requests": 1.0, "changes": 100.0, "blocked_until": "2026-03-02T09:02:00+00:00"},
    }
    db.set_desired("o00", 4, T0 + timedelta(seconds=1))
    db.set_desired("o01", 4, T0 + timedelta(seconds=1))
    with db.engine.begin() as conn:  # only o00/o01 still to do: the others are settled
        c = listings.c
        conn.execute(
            update(listings).where(c.offer_id.in_(offers[2:])).values(last_pushed=c.desired)
        )
    clock.advance(seconds=120)  # the refused items' retry time
    worker.run_once()
    assert [r.size for r in channel.call_log] == [2]  # a patch, at once
    assert db.store.dirty_count(CHANNEL) == 0


def test_a_real_429_halves_only_that_operations_budget(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (1, 5)})
    worker, fake = make_worker(capabilities=CAPS)
    fake.script(Fault(kind=FaultKind.RATE_LIMIT, retry_after=None))
    worker.run_once()
    budgets = db.store.operation_budgets(CHANNEL)
    assert budgets["patch"].scale == 0.5
    assert "feed" not in budgets
    assert db.store.channel_row(CHANNEL).budget is None  # the account budget is not used


def test_an_operations_budget_grows_back_after_a_429_with_each_accepted_batch(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (1, 5)})
    worker, fake = make_worker(capabilities=CAPS)
    fake.script(Fault(kind=FaultKind.RATE_LIMIT, retry_after=None))
    worker.run_once()
    assert db.store.operation_budgets(CHANNEL)["patch"].scale == 0.5
    scales = []
    for i in range(6):
        clock.advance(seconds=120)
        db.set_desired("a", 10 + i % 2, clock.now())
        worker.run_once()
        scales.append(round(db.store.operation_budgets(CHANNEL)["patch"].scale, 6))
    assert len(fake.call_log) == 7  # the refused call, then one accepted patch a pass
    assert scales == [0.6, 0.7, 0.8, 0.9, 1.0, 1.0]  # recover_step 0.1 per success, capped at 1
    assert "feed" not in db.store.operation_budgets(CHANNEL)  # only the operation used recovers
    assert db.store.channel_row(CHANNEL).budget is None  # the account budget is still unused
