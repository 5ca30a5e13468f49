"""A desired value written with an earlier clock (another process or host) is still pushed.

``listings.observed_at`` only moves forward, so the planner's "never send an older observation
after a newer one" rule cannot strand a newer value because of clock skew between writers.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sync_helpers import CHANNEL, T0, Db, MakeWorker

from omnistock.domain.ids import ChannelId
from omnistock.store.listing_repository import SqlListingRepository
from omnistock.store.rows import utc
from omnistock.store.tables import listings


def _write(db: Db, offer: str, desired: int, at_minutes: int) -> None:
    with db.engine.begin() as conn:
        SqlListingRepository(conn).set_desired(
            [(ChannelId(CHANNEL), offer, desired)], observed_at=T0 + timedelta(minutes=at_minutes)
        )


def test_a_decrease_written_with_a_slower_clock_is_pushed(db: Db, make_worker: MakeWorker) -> None:
    db.add({"a": (5, 5)})
    worker, fake = make_worker()
    _write(db, "a", 3, at_minutes=10)  # the API process, its clock right
    worker.run_once()
    assert fake.quantity("a") == 3
    _write(db, "a", 1, at_minutes=5)  # a sale recomputed by a worker whose clock is 5 min late
    with db.engine.connect() as conn:
        stamp = conn.execute(select(listings.c.observed_at)).scalar_one()
    assert utc(stamp) == T0 + timedelta(minutes=10)  # the stored time never moves back
    worker.run_once()
    assert fake.quantity("a") == 1
    assert db.store.dirty_count(CHANNEL) == 0
