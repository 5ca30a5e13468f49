"""Decisions on holds: a person approves or rejects, or the source's next import re-confirms.

Each decision, what it does to the held listings and the resolution of the hold incidents (once
no hold is pending) are **one transaction** (``SafetyStore.transaction()``): a failure between
them rolls all back, so a hold is never approved while its listings stay held, nor its listings
released while it stays pending. A hold
covering several channel accounts (made by a stock import) is decided as one unit.

- approve: items whose desired is still the held value go out (``approved``, not guarded
  again); items whose value moved since are re-planned and guarded again;
- reject: each listing's desired goes back to what the channel shows (the last good state; for
  a listing the channel never confirmed, the desired value the held change replaced);
- re-confirm (after an accepted import of the hold's source, produced after the held feed, whose
  applied rows cover every held SKU): the same values planned again →
  ``auto_cleared`` (sent, when ``auto_clear_on_reconfirm``); other values → ``rejected`` as
  superseded (the new values are guarded on their own).

A listing also kept by another pending hold is left as it is: that hold decides it.
"""

from __future__ import annotations

from datetime import datetime

from omnistock.domain.errors import Conflict
from omnistock.domain.ids import Sku
from omnistock.domain.incidents import IncidentKind
from omnistock.domain.safety import Hold, HoldStatus, approve, reconfirm, reject
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_holds import HoldRows
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore

__all__ = ["HOLD_KINDS", "approve_hold", "list_holds", "reconfirm_holds", "reject_hold"]

HOLD_KINDS = (IncidentKind.GUARD_HOLD, IncidentKind.HELD_ITEM)


def list_holds(safety: SafetyStore, *, pending_only: bool = False) -> list[Hold]:
    return safety.holds(status=HoldStatus.PENDING if pending_only else None)


def approve_hold(
    safety: SafetyStore,
    sync: SyncStore | None,
    incidents: IncidentStore,
    hold_id: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> Hold:
    """Send the held values through the normal path (items whose value moved are re-guarded).

    ``sync`` is not used (the listings change in the decision's own transaction); it stays in
    the signature for the callers.
    """
    with safety.transaction() as rows:
        decided = approve(rows.get(hold_id), by=by, now=now, note=note)
        rows.decide(decided)
        _let_go(rows, decided, now=now, send=True)
        _settle_incidents(rows, incidents, by=by, now=now)
    return decided


def reject_hold(
    safety: SafetyStore,
    sync: SyncStore | None,
    incidents: IncidentStore,
    hold_id: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> Hold:
    """Keep the last good state: each listing's desired goes back to what was last pushed."""
    with safety.transaction() as rows:
        decided = reject(rows.get(hold_id), by=by, now=now, note=note)
        rows.decide(decided)
        _let_go(rows, decided, now=now, send=False)
        _settle_incidents(rows, incidents, by=by, now=now)
    return decided


def reconfirm_holds(
    safety: SafetyStore,
    incidents: IncidentStore,
    *,
    source: str,
    import_id: str,
    produced_at: datetime,
    applied: frozenset[Sku],
    now: datetime,
    enabled: bool = True,
) -> list[Hold]:
    """After an accepted import of ``source``: pending holds it caused are re-decided.

    Only from what this import counted: a hold is re-decided when every held SKU is in
    ``applied`` (the SKUs whose listings the import's applied rows decide) and the import was
    produced after the feed that caused the hold. Importing the very file that made the hold
    (same ``import_id``), an older or late feed, or one whose rows for the held SKUs were stale
    or missing, confirms nothing: the hold stays pending.
    """
    decided: list[Hold] = []
    for pending in safety.holds(status=HoldStatus.PENDING):
        if not pending.cause.startswith(f"import:{source}:") or pending.cause == import_id:
            continue
        caused_at = safety.produced_at(pending.cause)
        if caused_at is None or produced_at <= caused_at:
            continue  # not newer than the held feed
        if any(h.change.sku not in applied for h in pending.items):
            continue  # this import did not count every held SKU
        try:
            result = _reconfirm_one(safety, incidents, pending.id, import_id, now, enabled)
        except Conflict:
            continue  # a person decided it meanwhile: their decision stands
        if result is not None:
            decided.append(result)
    return decided


def _reconfirm_one(
    safety: SafetyStore,
    incidents: IncidentStore,
    hold_id: str,
    import_id: str,
    now: datetime,
    enabled: bool,
) -> Hold | None:
    """Re-decide one pending hold against the desired values now stored (one transaction)."""
    with safety.transaction() as rows:
        hold = rows.get(hold_id)
        if not hold.pending:
            return None
        fresh: dict[tuple[str, str], int] = {
            (channel, offer): value
            for channel, offers in hold.offers().items()
            for offer, value in rows.desired_of(channel, offers).items()
            if value is not None
        }
        result = reconfirm(hold, fresh, import_id=import_id, now=now, enabled=enabled)
        if result is hold:
            return None
        rows.decide(result)
        _let_go(rows, result, now=now, send=result.status is HoldStatus.AUTO_CLEARED)
        _settle_incidents(rows, incidents, by=f"source:{import_id}", now=now)
        return result


def _let_go(rows: HoldRows, hold: Hold, *, now: datetime, send: bool) -> None:
    """What a decision does to the held listings, on the decision's connection.

    ``send``: items still wanted at the held value go out unguarded, the others are guarded
    again. Otherwise a person's rejection puts desired back to the last good value; a rejection
    by the source (superseded) lets the listings be planned and guarded with the new values.
    """
    kept = rows.kept_elsewhere(hold.id)
    restore = hold.status is HoldStatus.REJECTED and not hold.decided_by_source
    for channel, offers in hold.offers().items():
        free = {o for o in offers if (channel, o) not in kept}
        items = [h.change for h in hold.items if h.change.channel == channel]
        if send:
            fresh = rows.desired_of(channel, free)
            same = {
                c.offer_id
                for c in items
                if c.offer_id in free and fresh.get(c.offer_id) == c.quantity
            }
            rows.release(channel, sorted(same), now=now)
            rows.unhold(channel, sorted(free - same), now=now)
        elif restore:
            unconfirmed = {
                c.offer_id: c.previous
                for c in items
                if c.offer_id in free and c.previous is not None
            }
            rows.restore_unconfirmed(channel, unconfirmed, now=now)
            rows.restore_last_pushed(channel, sorted(free), now=now)
        else:
            rows.unhold(channel, sorted(free), now=now)


def _settle_incidents(rows: HoldRows, incidents: IncidentStore, *, by: str, now: datetime) -> None:
    """With no hold pending any more, the hold incidents are resolved (same transaction)."""
    if not rows.pending_count():
        incidents.resolve_kinds([k.value for k in HOLD_KINDS], by=by, now=now, conn=rows.conn)
