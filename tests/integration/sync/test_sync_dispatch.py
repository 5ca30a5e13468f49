"""Dispatcher on the store: coalescing, batching, order, 429, breaker, bad answers, errors."""

from __future__ import annotations

from datetime import timedelta

from sync_helpers import CHANNEL, T0, Db, MakeWorker

from omnistock.channels.fake import Fault, FaultKind, default_capabilities
from omnistock.domain.incidents import IncidentKind, Severity
from omnistock.service.clock import FixedClock
from omnistock.service.incidents import dead_item_occurrences
from omnistock.sync.breaker import BreakerPolicy
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.retry import RetryPolicy


def test_coalesces_100_changes_to_one_offer_into_one_push(db: Db, make_worker: MakeWorker) -> None:
    db.add({"a": (5, 5)})
    for i in range(100):
        db.set_desired("a", 200 - i, T0 + timedelta(seconds=i))
    worker, fake = make_worker()
    worker.run_once()
    assert len(fake.call_log) == 1
    assert fake.call_log[0].size == 1
    assert fake.quantity("a") == 101
    assert db.get("a") == (101, 101)


def test_never_resends_the_unchanged(db: Db, make_worker: MakeWorker) -> None:
    db.add({"a": (3, 1), "b": (2, 2)})
    worker, fake = make_worker()
    worker.run_once()
    worker.run_once()
    assert [r.size for r in fake.call_log] == [1]


def test_batch_sizes_respect_the_channel_maximum(db: Db, make_worker: MakeWorker) -> None:
    db.add({f"o{i:04}": (i % 9 + 1, 0) for i in range(250)})
    worker, fake = make_worker(capabilities=default_capabilities(max_batch=100))
    worker.run_once()
    assert [r.size for r in fake.call_log] == [100, 100, 50]
    assert fake.oversized == []
    assert db.store.dirty_count(CHANNEL) == 0


def test_sends_decreases_before_increases(db: Db, make_worker: MakeWorker) -> None:
    db.add({"up1": (9, 1), "down1": (1, 9), "up2": (7, 2), "down2": (0, 3)})
    worker, fake = make_worker(capabilities=default_capabilities(max_batch=2))
    worker.run_once()
    first = {r["offer_id"] for r in _items(db, str(fake.call_log[0].batch_id))}
    assert first == {"down1", "down2"}
    assert len(fake.call_log) == 2


def _items(db: Db, batch_id: str) -> list[dict[str, object]]:
    from sqlalchemy import select

    from omnistock.store.sync_tables import sync_batch_items

    with db.engine.begin() as conn:
        rows = conn.execute(
            select(sync_batch_items).where(sync_batch_items.c.batch_id == batch_id)
        ).mappings()
        return [dict(r) for r in rows]


def test_429_with_retry_after_waits_exactly_that_long(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9)})
    worker, fake = make_worker()
    fake.script(Fault(kind=FaultKind.RATE_LIMIT, retry_after=30))
    worker.run_once()
    assert db.states() == {"retry": 1}
    assert db.store.channel_row(CHANNEL).budget.scale == 0.5  # type: ignore[union-attr]
    clock.advance(seconds=29)
    worker.run_once()
    assert len(fake.call_log) == 1
    clock.advance(seconds=1)
    worker.run_once()
    assert len(fake.call_log) == 2
    assert db.get("a") == (4, 4)
    attempts = db.store.attempts(CHANNEL)
    assert [a["outcome"] for a in attempts] == ["rate_limited", "ok"]
    assert attempts[0]["http_status"] == 429


def test_429_without_retry_after_backs_off_and_shrinks_budget(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9)})
    config = SyncConfig(retry=RetryPolicy(base_s=10, jitter=0.0))
    worker, fake = make_worker(config=config)
    fake.script(Fault(kind=FaultKind.RATE_LIMIT))
    worker.run_once()
    budget = db.store.channel_row(CHANNEL).budget
    assert budget is not None
    assert (budget.scale, budget.changes, budget.blocked_until) == (0.5, 0.0, None)
    clock.advance(seconds=9)
    worker.run_once()
    assert len(fake.call_log) == 1  # backoff not over
    clock.advance(seconds=1)
    worker.run_once()
    assert len(fake.call_log) == 2
    assert db.get("a") == (4, 4)


def test_breaker_opens_probes_half_open_and_closes(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({f"o{i}": (1, 2) for i in range(4)})
    config = SyncConfig(
        breaker=BreakerPolicy(threshold=2, cooldown_s=60),
        retry=RetryPolicy(base_s=1, jitter=0.0, max_attempts=10),
    )
    worker, fake = make_worker(config=config, capabilities=default_capabilities(max_batch=1))
    fake.script(*[Fault(kind=FaultKind.SERVER_ERROR)] * 3)
    worker.run_once()  # fails: stops this pass
    clock.advance(seconds=5)
    (run,) = worker.run_once()  # second failure opens the breaker
    assert run.breaker == "open"
    clock.advance(seconds=30)
    calls = len(fake.call_log)
    (run,) = worker.run_once()
    assert run.breaker == "open"
    assert len(fake.call_log) == calls  # nothing sent while open
    assert db.store.dirty_count(CHANNEL) == 4  # …and nothing lost
    clock.advance(seconds=30)
    (run,) = worker.run_once()  # half-open probe fails: open again
    assert (run.breaker, len(fake.call_log)) == ("open", calls + 1)
    clock.advance(seconds=60)
    (run,) = worker.run_once()  # probe succeeds: closed, the rest follows
    assert run.breaker == "closed"
    assert db.store.dirty_count(CHANNEL) == 0
    assert db.store.channel_row(CHANNEL).breaker.failures == 0


def test_result_for_offer_not_in_batch_fails_the_batch_never_success(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9)})
    worker, fake = make_worker(config=SyncConfig(retry=RetryPolicy(base_s=5, jitter=0.0)))
    fake.script(Fault(kind=FaultKind.FOREIGN_RESULT))
    worker.run_once()
    assert db.get("a") == (4, 9)  # not recorded as pushed
    assert db.states() == {"retry": 1}
    assert db.store.attempts(CHANNEL)[0]["outcome"] == "malformed"
    assert db.store.batches(CHANNEL)[0]["status"] == "failed"
    clock.advance(seconds=5)
    worker.run_once()
    assert db.get("a") == (4, 4)


def test_permanent_item_error_is_visible_and_not_retried(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"gone": (3, 1), "ok": (2, 1)})
    worker, fake = make_worker(missing_offers=["gone"])
    worker.run_once()
    assert db.states() == {"error": 1, "idle": 1}
    clock.advance(hours=1)
    worker.run_once()
    assert len(fake.call_log) == 1
    db.set_desired("gone", 5, clock.now())  # a new value is tried again
    worker.run_once()
    assert len(fake.call_log) == 2


def test_item_is_dead_after_the_last_attempt_with_an_incident(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9)})
    config = SyncConfig(retry=RetryPolicy(max_attempts=2, base_s=1, jitter=0.0))
    worker, fake = make_worker(config=config)
    fake.script(*[Fault(kind=FaultKind.SERVER_ERROR)] * 2)
    worker.run_once()
    clock.advance(seconds=1)
    worker.run_once()
    assert db.states() == {"dead": 1}
    (incident,) = db.store.incidents(CHANNEL)
    assert (incident["offer_id"], incident["kind"]) == ("a", "sync_dead")
    clock.advance(hours=1)
    worker.run_once()
    assert len(fake.call_log) == 2  # dead is not retried for the same value


def test_async_results_are_recorded_after_polling(db: Db, make_worker: MakeWorker) -> None:
    db.add({"a": (4, 9)})
    worker, fake = make_worker(
        capabilities=default_capabilities(async_results=True), polls_until_done=1
    )
    worker.run_once()
    assert db.states() == {"in_flight": 1}
    assert db.store.batches(CHANNEL)[0]["status"] == "pending"
    worker.run_once()  # poll: still pending
    worker.run_once()  # poll: results
    assert db.get("a") == (4, 4)
    assert db.states() == {"idle": 1}
    assert len(fake.call_log) == 1


def test_zero_ends_offer_on_zero_means_end_channel(db: Db, make_worker: MakeWorker) -> None:
    db.add({"a": (0, 3), "b": (5, 3)})
    worker, fake = make_worker(capabilities=default_capabilities(zero_means_end=True))
    worker.run_once()
    assert fake.ended == {"a"}
    assert [r.size for r in fake.call_log] == [2]  # the ending rides in the same push
    assert fake.quantity("b") == 5


def test_second_holder_cannot_push_a_leased_channel(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (1, 2)})
    first, fake = make_worker(holder="w1")
    second, _ = make_worker(holder="w2", channel=fake)
    assert db.store.acquire_lease(CHANNEL, "w1", now=clock.now(), ttl_s=60)
    (run,) = second.run_once()
    assert not run.leased
    assert fake.call_log == []
    clock.advance(seconds=61)  # an expired lease (crashed holder) is taken over
    (run,) = second.run_once()
    assert run.leased
    assert db.get("a") == (1, 1)
    assert first.holder == "w1"


def test_guard_holds_changes_until_released(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    from omnistock.sync.dispatcher import Hold

    db.add({"a": (0, 120), "b": (5, 4)})
    seen: list[list[str]] = []

    def guard(channel, changes, now):  # holds unexplained drops to zero
        seen.append(sorted(c.offer_id for c in changes))
        return [
            Hold(offer_id=c.offer_id, reason="120 → 0 unexplained")
            for c in changes
            if c.desired == 0 and (c.last_pushed or 0) > 100
        ]

    worker, fake = make_worker(config=SyncConfig(guard=guard))
    worker.run_once()
    assert fake.quantity("b") == 5
    assert "a" not in fake.read_quantities(["a"])
    assert db.states() == {"held": 1, "idle": 1}
    worker.run_once()
    assert seen == [["a", "b"]]  # held listings are not even offered again
    assert db.store.release_holds(CHANNEL, ["a"], now=clock.now()) == 1
    worker.run_once()
    assert db.get("a") == (0, 0)


def test_repeated_429_never_kills_items(db: Db, make_worker: MakeWorker, clock: FixedClock) -> None:
    db.add({"a": (4, 9)})
    config = SyncConfig(retry=RetryPolicy(max_attempts=2, base_s=1, jitter=0.0))
    worker, fake = make_worker(config=config)
    fake.script(*[Fault(kind=FaultKind.RATE_LIMIT, retry_after=1)] * 5)
    for _ in range(6):
        worker.run_once()
        clock.advance(minutes=5)  # lets the shrunk budget refill
    assert len(fake.call_log) == 6
    assert db.get("a") == (4, 4)
    assert db.store.incidents(CHANNEL) == []


def test_reconcile_revives_a_dead_listing_that_still_drifts(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9)})
    config = SyncConfig(retry=RetryPolicy(max_attempts=1, jitter=0.0))
    worker, fake = make_worker(config=config, offers={"a": 9})
    fake.script(Fault(kind=FaultKind.SERVER_ERROR))
    worker.run_once()
    assert db.states() == {"dead": 1}
    worker.run_once()
    assert len(fake.call_log) == 1  # dead: not retried for the same value
    (report,) = worker.reconcile()
    assert report.drift == 1
    worker.run_once()
    assert fake.quantity("a") == 4
    assert db.get("a") == (4, 4)


def test_refused_credentials_raise_a_critical_incident_and_lose_nothing(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    db.add({"a": (4, 9), "b": (6, 2)})
    worker, fake = make_worker()
    fake.script(Fault(kind=FaultKind.AUTH_REFUSED))
    worker.run_once()
    assert db.states() == {"retry": 2}  # waiting, never dead or error
    (occurrence,) = dead_item_occurrences(db.store, now=clock.now())
    assert (occurrence.kind, occurrence.severity) == (IncidentKind.AUTH_FAILURE, Severity.CRITICAL)
    assert occurrence.channel == CHANNEL
    clock.advance(seconds=3600)  # the seller ran `omnistock channel auth`
    worker.run_once()
    assert db.states() == {"idle": 2}
    assert (fake.quantity("a"), fake.quantity("b")) == (4, 6)
    assert dead_item_occurrences(db.store, now=clock.now()) == []
