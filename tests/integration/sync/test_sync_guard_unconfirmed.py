"""The push-time guard protects listings the channel never confirmed (#6 A2)."""

from __future__ import annotations

from datetime import timedelta

from sync_helpers import T0, Db, MakeWorker

from omnistock.service.holds import safety_parts
from omnistock.service.holds_decisions import list_holds
from omnistock.sync.dispatcher import SyncConfig


def test_never_confirmed_listings_going_to_zero_are_held_not_pushed(
    db: Db, make_worker: MakeWorker
) -> None:
    offers = [f"o{i:02}" for i in range(20)]
    db.add({o: (40, None) for o in offers})  # planned at 40, never pushed nor read back
    for o in offers:
        db.set_desired(o, 0, T0 + timedelta(seconds=1))
    parts = safety_parts(db.engine, {})
    worker, fake = make_worker(config=SyncConfig(guard=parts.guard, reread=parts.reread))
    worker.run_once()
    assert fake.call_log == []
    assert db.states().get("held") == len(offers)
    holds = list_holds(parts.safety, pending_only=True)
    assert [len(h.items) for h in holds] == [len(offers)]
