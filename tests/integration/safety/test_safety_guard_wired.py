"""The guard wired into the engine (store + in-memory channel): feeds, holds, pause, re-read.

Runs on SQLite always and on PostgreSQL with ``OMNISTOCK_TEST_PG``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from safety_support import (
    T0,
    feed,
    guarded_worker,
    import_feed,
    listed_on_fakes,
    mark_synced,
)
from sqlalchemy import Engine, select, update

from omnistock.channels.base import PushItem
from omnistock.channels.fake import InMemoryChannel
from omnistock.domain.errors import InvalidFile
from omnistock.domain.incidents import IncidentKind, IncidentState
from omnistock.domain.safety import HoldStatus
from omnistock.service.holds import FeedRejected, approve_hold, reject_hold
from omnistock.service.incidents import acknowledge_incident, resolve_incident
from omnistock.service.pause import pause, resume
from omnistock.service.stock import import_stock
from omnistock.store.sync_tables import sync_listing_state
from omnistock.store.tables import listings
from omnistock.store.unit_of_work import SqlUnitOfWork

N = 40


@pytest.fixture
def setup(engine: Engine):
    """A synced catalogue of N SKUs on one in-memory channel, and a guarded worker."""
    stock, fakes, clock = listed_on_fakes(engine, N, ["fake"])
    fake = fakes["fake"]
    worker, parts, _tick = guarded_worker(engine, {"fake": fake}, clock)
    import_feed(engine, parts, feed(stock), T0)
    mark_synced(engine)
    return stock, fake, clock, worker, parts


def _shown(fake: InMemoryChannel, stock) -> dict[str, int]:
    return {s: fake.quantity(f"o-{s}") for s in stock}


def _desired(engine: Engine) -> dict[str, tuple[int, int]]:
    c = listings.c
    with engine.begin() as conn:
        rows = conn.execute(select(c.sku, c.desired, c.last_pushed)).all()
    return {r.sku: (r.desired, r.last_pushed) for r in rows}


def test_truncated_feed_is_rejected_with_an_incident_and_changes_nothing(engine, setup) -> None:
    stock, _fake, clock, _worker, parts = setup
    half = dict(list(stock.items())[: N // 2])
    before = _desired(engine)
    with pytest.raises(FeedRejected, match="usually"):
        import_feed(engine, parts, feed(dict.fromkeys(half, 0)), clock.now())
    assert _desired(engine) == before
    (incident,) = parts.incidents.incidents()
    assert incident.kind is IncidentKind.FEED_REJECTED
    assert "truncated" in incident.subject


def test_old_feed_is_rejected(engine, setup) -> None:
    stock, _fake, clock, _worker, parts = setup
    with pytest.raises(FeedRejected, match="old"):
        import_stock(
            SqlUnitOfWork(engine),
            feed(stock),
            source="erp",
            actor="t",
            now=clock.now(),
            gate=parts.gate,
            produced_at=clock.now() - timedelta(days=2),
        )
    assert parts.incidents.incidents()[0].kind is IncidentKind.FEED_REJECTED


@pytest.mark.parametrize("text", ["", "sku,warehouse,on_hand\n"])
def test_empty_feed_is_rejected_with_an_incident(engine, setup, text: str) -> None:
    _stock, _fake, clock, _worker, parts = setup
    with pytest.raises(InvalidFile):
        import_feed(engine, parts, text, clock.now())
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.subject) == (IncidentKind.FEED_REJECTED, "erp empty")


def test_reject_restores_the_last_good_state_and_is_audited(engine, setup) -> None:
    stock, fake, clock, worker, parts = setup
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    worker.run_once()
    (hold,) = parts.safety.holds(status=HoldStatus.PENDING)
    done = reject_hold(
        parts.safety, parts.sync, parts.incidents, hold.id, by="anna", now=clock.now()
    )
    assert (done.status, done.decided_by) == (HoldStatus.REJECTED, "anna")
    assert all(d == p for d, p in _desired(engine).values())
    worker.run_once()
    assert _shown(fake, stock) == stock
    events = parts.incidents.events("hold", hold.id)
    assert [(e["action"], e["actor"]) for e in events] == [("held", "guard"), ("rejected", "anna")]
    assert parts.incidents.incidents()[0].state is IncidentState.RESOLVED


def test_next_import_confirming_the_values_clears_the_hold(engine, setup) -> None:
    stock, fake, clock, worker, parts = setup
    zeros = dict.fromkeys(stock, 0)
    import_feed(engine, parts, feed(zeros), clock.now())
    worker.run_once()
    assert _shown(fake, stock) == stock
    clock.advance(timedelta(minutes=30))
    again = feed(dict(reversed(list(zeros.items()))))  # another file, the same values
    import_feed(engine, parts, again, clock.now())
    (hold,) = parts.safety.holds()
    assert hold.status is HoldStatus.AUTO_CLEARED
    assert hold.decided_by is not None
    assert hold.decided_by.startswith("source:import:erp:")
    worker.run_once()
    assert set(_shown(fake, stock).values()) == {0}


def test_same_file_again_confirms_nothing(engine, setup) -> None:
    stock, _fake, clock, worker, parts = setup
    zeros = feed(dict.fromkeys(stock, 0))
    import_feed(engine, parts, zeros, clock.now())
    worker.run_once()
    import_feed(engine, parts, zeros, clock.now() + timedelta(minutes=5))
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.PENDING]


def test_a_different_next_import_supersedes_the_hold(engine, setup) -> None:
    stock, fake, clock, worker, parts = setup
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    worker.run_once()
    fixed = {s: q + 1 for s, q in stock.items()}  # the source corrected itself
    import_feed(engine, parts, feed(fixed), clock.now() + timedelta(minutes=5))
    (hold,) = parts.safety.holds()
    assert hold.status is HoldStatus.REJECTED
    worker.run_once()
    assert _shown(fake, stock) == fixed  # increases are not held


def test_approval_sends_through_the_normal_path(engine, setup) -> None:
    stock, fake, clock, worker, parts = setup
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    worker.run_once()
    (hold,) = parts.safety.holds(status=HoldStatus.PENDING)
    approve_hold(parts.safety, parts.sync, parts.incidents, hold.id, by="anna", now=clock.now())
    worker.run_once()
    assert set(_shown(fake, stock).values()) == {0}
    assert parts.safety.holds()[0].decided_by == "anna"


def test_unexplained_large_drop_of_one_sku_holds_only_that_item(engine, setup) -> None:
    stock, _fake, clock, worker, parts = setup
    big = max(stock, key=lambda s: stock[s])
    changed = {**stock, big: 0}
    import_feed(engine, parts, feed(changed), clock.now())
    worker.run_once()
    (hold,) = parts.safety.holds(status=HoldStatus.PENDING)
    assert [h.change.sku for h in hold.items] == [big]
    (incident,) = parts.incidents.incidents()
    assert incident.kind is IncidentKind.HELD_ITEM


def test_paused_channel_sends_nothing_and_loses_nothing(engine, setup) -> None:
    stock, fake, clock, worker, parts = setup
    pause(parts.safety, every=True, by="anna", now=clock.now())
    more = {s: q + 2 for s, q in stock.items()}
    import_feed(engine, parts, feed(more), clock.now())
    worker.run_once()
    assert _shown(fake, stock) == stock
    assert fake.commands == 0
    resume(parts.safety, every=True, by="anna", now=clock.now())
    worker.run_once()
    assert _shown(fake, stock) == more


def test_absurd_value_is_an_error_never_sent(engine, setup) -> None:
    stock, fake, _clock, worker, parts = setup
    sku = next(iter(stock))
    with engine.begin() as conn:
        conn.execute(update(listings).where(listings.c.sku == sku).values(desired=10**9))
    worker.run_once()
    assert fake.quantity(f"o-{sku}") == stock[sku]
    with engine.begin() as conn:
        state = conn.execute(select(sync_listing_state.c.state)).scalars().all()
    assert state == ["error"]
    assert parts.incidents.incidents()[0].kind is IncidentKind.SANITY_ERROR
    worker.run_once()  # not retried while the value stays the same
    assert len(parts.incidents.incidents()) == 1


def test_reread_drops_items_whose_fresh_value_differs(engine, setup) -> None:
    stock, _fake, _clock, _worker, parts = setup
    sku = next(iter(stock))
    items = [
        PushItem(offer_id=f"o-{s}", sku=s, quantity=stock[s], previous=None, observed_at=T0)
        for s in list(stock)[:3]
    ]
    with engine.begin() as conn:
        conn.execute(update(listings).where(listings.c.sku == sku).values(desired=1))
    assert parts.reread("fake", items) == {f"o-{sku}"}


def test_incident_lifecycle_is_audited(engine, setup) -> None:
    stock, _fake, clock, worker, parts = setup
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    worker.run_once()
    (incident,) = parts.incidents.incidents()
    acknowledge_incident(parts.incidents, incident.id, by="anna", now=clock.now())
    resolve_incident(parts.incidents, incident.id, by="piotr", now=clock.now())
    stored = parts.incidents.get(incident.id)
    assert (stored.state, stored.acknowledged_by, stored.resolved_by) == (
        IncidentState.RESOLVED,
        "anna",
        "piotr",
    )


def test_channel_read_claiming_every_offer_at_zero_is_not_believed(engine, setup) -> None:
    stock, fake, _clock, worker, parts = setup
    for sku in stock:
        fake.set_quantity(f"o-{sku}", 0)  # the channel answers 0 for everything
    (report,) = worker.reconcile()
    assert report.suspicious
    assert all(d == p == stock[s] for s, (d, p) in _desired(engine).items())
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.channel) == (IncidentKind.SUSPICIOUS_READ, "fake")
    worker.run_once()
    assert set(_shown(fake, stock).values()) == {0}  # nothing was pushed on the strength of it


def test_ordinary_drift_is_still_repaired(engine, setup) -> None:
    stock, fake, _clock, worker, _parts = setup
    sku = next(iter(stock))
    fake.set_quantity(f"o-{sku}", 0)
    (report,) = worker.reconcile()
    assert (report.suspicious, report.drift) == (False, 1)
    worker.run_once()
    assert _shown(fake, stock) == stock
