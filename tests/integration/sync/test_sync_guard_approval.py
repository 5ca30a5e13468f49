"""A person's approval of a held value outlives a transient push failure (#6 A3)."""

from __future__ import annotations

from sqlalchemy import select
from sync_helpers import Db, MakeWorker

from omnistock.channels.fake import Fault, FaultKind, default_capabilities
from omnistock.service.clock import FixedClock
from omnistock.service.holds import safety_parts
from omnistock.service.holds_decisions import approve_hold, list_holds
from omnistock.store.sync_tables import sync_listing_state
from omnistock.sync.dispatcher import SyncConfig

OFFERS = [f"o{i:02}" for i in range(20)]


def _approved_quantities(db: Db) -> set[int | None]:
    c = sync_listing_state.c
    with db.engine.begin() as conn:
        return set(conn.execute(select(c.approved_quantity)).scalars())


def _zeros_held_and_approved(db: Db, make_worker: MakeWorker, clock: FixedClock):
    db.add({o: (40, None) for o in OFFERS})
    parts = safety_parts(db.engine, {}, clock=clock.now)
    worker, fake = make_worker(
        config=SyncConfig(guard=parts.guard, reread=parts.reread),
        capabilities=default_capabilities(max_batch=100),
    )
    worker.run_once()
    assert db.get("o00") == (40, 40)
    clock.advance(seconds=60)
    for o in OFFERS:
        db.set_desired(o, 0, clock.now())
    worker.run_once()
    holds = list_holds(parts.safety, pending_only=True)
    assert db.states() == {"held": len(OFFERS)}
    approve_hold(parts.safety, None, parts.incidents, holds[0].id, by="me", now=clock.now())
    return parts, worker, fake


def test_an_approved_hold_survives_a_failed_push(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    parts, worker, fake = _zeros_held_and_approved(db, make_worker, clock)
    fake.script(Fault(kind=FaultKind.SERVER_ERROR))
    worker.run_once()
    assert db.states() == {"retry": len(OFFERS)}
    clock.advance(seconds=600)
    worker.run_once()

    assert list_holds(parts.safety, pending_only=True) == []
    assert db.states() == {"idle": len(OFFERS)}
    assert {fake.quantity(o) for o in OFFERS} == {0}
    assert {db.get(o) for o in OFFERS} == {(0, 0)}
    assert _approved_quantities(db) == {None}  # cleared once the push succeeded


def test_an_approval_does_not_cover_another_value(
    db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    parts, worker, fake = _zeros_held_and_approved(db, make_worker, clock)
    fake.script(Fault(kind=FaultKind.SERVER_ERROR))
    worker.run_once()
    clock.advance(seconds=600)
    for o in OFFERS:
        db.set_desired(o, 1, clock.now())  # desired moved after the approval: guarded again
    worker.run_once()
    assert len(list_holds(parts.safety, pending_only=True)) == 1
    assert db.states() == {"held": len(OFFERS)}
    assert {fake.quantity(o) for o in OFFERS} == {40}
    assert _approved_quantities(db) == {None}
