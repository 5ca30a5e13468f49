"""A hold decided while the dispatcher judges its listings never leaves them held (#6 A4)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from safety_support import T0, feed, import_feed, listed_on_fakes, mark_synced
from sqlalchemy import Engine, select, update

from omnistock.domain.safety import HoldStatus
from omnistock.service.holds import reject_hold, safety_parts
from omnistock.store.sync_tables import sync_listing_state
from omnistock.sync.dispatcher import Hold, SyncConfig
from omnistock.sync.planner import ListingChange
from omnistock.sync.worker import Worker


def test_a_person_deciding_between_the_guard_and_the_dispatcher_leaves_nothing_held(
    engine: Engine,
) -> None:
    stock, fakes, clock = listed_on_fakes(engine, 30, ["a"])
    fake = fakes["a"]
    parts = safety_parts(engine, {}, clock=clock.now)
    import_feed(engine, parts, feed(stock), T0)
    mark_synced(engine)
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    (hold,) = parts.safety.holds()
    c = sync_listing_state.c
    with engine.begin() as conn:  # a batch in flight during the import finished: state idle
        conn.execute(update(sync_listing_state).values(state="idle"))

    def guard(channel: str, changes: Sequence[ListingChange], now: datetime) -> list[Hold]:
        """The real guard, then a person rejects the hold before the dispatcher goes on."""
        verdict = parts.guard(channel, changes, now)
        if parts.safety.hold(hold.id).pending:
            reject_hold(parts.safety, None, parts.incidents, hold.id, by="me", now=now)
        return verdict

    worker = Worker(
        store=parts.sync,
        adapters={"a": fake},
        clock=clock,
        holder="w1",
        config=SyncConfig(guard=guard, reread=parts.reread),
        rng=random.Random(1),
    )
    worker.run_once()

    assert parts.safety.hold(hold.id).status is HoldStatus.REJECTED
    with engine.begin() as conn:
        states = set(conn.execute(select(c.state)).scalars())
    assert "held" not in states  # no listing held with no pending hold
    assert {s: fake.quantity(f"o-{s}") for s in stock} == stock
