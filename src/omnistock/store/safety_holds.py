"""``HoldRows``: the statements of holds and of the listings they keep, on one open connection.

A decision and what it does to the held listings are one transaction: the caller opens it
(``SafetyStore.transaction()``, or the stock import's unit of work) and every statement here runs
on that connection, so a failure anywhere rolls back the decision and the listing changes alike.

Listing states written here are the sync engine's (``sync_listing_state``): ``held`` (not
sent), ``approved`` (sent without asking the guard again), ``idle`` (planned and guarded
again). A listing kept by two pending holds (an import hold made while an older one waits) is
only let go when no pending hold keeps it any more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from omnistock.domain.errors import Conflict
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.safety import (
    ActiveListing,
    HeldChange,
    Hold,
    HoldReason,
    HoldScope,
    HoldStatus,
    ProposedChange,
)
from omnistock.store.incident_repository import UnknownIncident, audit_row, utc
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.safety_tables import safety_hold_items, safety_holds, safety_incident_events
from omnistock.store.sql import chunks
from omnistock.store.sync_repository import approved_desired
from omnistock.store.sync_tables import sync_batch_items, sync_batches, sync_listing_state
from omnistock.store.tables import listings

__all__ = ["HoldRows", "ListingKey"]

ListingKey = tuple[str, str]
"""``(channel, offer_id)``."""

_EPOCH = datetime.min.replace(tzinfo=UTC)
LS = sync_listing_state
CONFIRMED = (HoldStatus.APPROVED.value, HoldStatus.AUTO_CLEARED.value)


def _ts(value: datetime | None) -> datetime:
    return utc(value) or _EPOCH


class HoldRows:
    """Holds and held listings on ``conn`` (the caller commits or rolls back)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._pg = conn.dialect.name == "postgresql"

    # -- holds ------------------------------------------------------------------------------
    def add(self, holds: Sequence[Hold], *, actor: str = "guard") -> None:
        if not holds:
            return
        self.conn.execute(insert(safety_holds), [_hold_row(h) for h in holds])
        items = [_item_row(h.id, held) for h in holds for held in h.items]
        if items:
            self.conn.execute(insert(safety_hold_items), items)
        events = [audit_row("hold", h.id, "held", actor, h.created_at, h.message) for h in holds]
        self.conn.execute(insert(safety_incident_events), events)

    def get(self, hold_id: str) -> Hold:
        row = self.conn.execute(select(safety_holds).where(safety_holds.c.id == hold_id)).first()
        if row is None:
            raise UnknownIncident(f"no hold {hold_id!r}", field="id")
        return self._hold(row)

    def all(self, *, status: HoldStatus | None = None, channel: str | None = None) -> list[Hold]:
        H = safety_holds.c
        query = select(safety_holds).order_by(H.created_at, H.id)
        if status is not None:
            query = query.where(H.status == status.value)
        if channel is not None:
            query = query.where(H.channel == channel)
        return [self._hold(r) for r in self.conn.execute(query).all()]

    def pending_count(self) -> int:
        H = safety_holds.c
        query = select(func.count()).where(H.status == HoldStatus.PENDING.value)
        return int(self.conn.execute(query).scalar_one())

    def decide(self, decided: Hold) -> None:
        """Store a decision on a pending hold (``Conflict`` if someone decided first)."""
        H = safety_holds.c
        result = self.conn.execute(
            update(safety_holds)
            .where(H.id == decided.id, H.status == HoldStatus.PENDING.value)
            .values(
                status=decided.status.value,
                decided_by=decided.decided_by,
                decided_at=decided.decided_at,
                note=decided.note,
            )
        )
        if int(result.rowcount) != 1:
            raise Conflict(f"hold {decided.id} is no longer pending", field="status")
        at = decided.decided_at or _EPOCH
        event = audit_row(
            "hold", decided.id, decided.status.value, decided.decided_by or "", at, decided.note
        )
        self.conn.execute(insert(safety_incident_events), [event])

    def _hold(self, row: Any) -> Hold:
        I = safety_hold_items.c  # noqa: E741
        items = self.conn.execute(
            select(safety_hold_items).where(I.hold_id == row.id).order_by(I.channel, I.offer_id)
        ).all()
        reason = HoldReason(row.reason)
        return Hold(
            id=row.id,
            channel=ChannelId(row.channel),
            scope=HoldScope(row.scope),
            reason=reason,
            message=row.message,
            items=tuple(_held(reason, i) for i in items),
            created_at=_ts(row.created_at),
            cause=row.cause,
            status=HoldStatus(row.status),
            decided_by=row.decided_by,
            decided_at=utc(row.decided_at),
            note=row.note,
        )

    # -- the listings a hold keeps ----------------------------------------------------------
    def kept_elsewhere(self, hold_id: str) -> set[ListingKey]:
        """Listings kept by a pending hold other than ``hold_id``."""
        I, H = safety_hold_items.c, safety_holds.c  # noqa: E741
        query = (
            select(I.channel, I.offer_id)
            .select_from(safety_hold_items.join(safety_holds, H.id == I.hold_id))
            .where(H.status == HoldStatus.PENDING.value, H.id != hold_id)
        )
        return {(r.channel, r.offer_id) for r in self.conn.execute(query)}

    def pending_offers(self, channel: str, *, lock: bool = False) -> dict[str, str]:
        """``offer_id → hold id`` of the channel's listings kept by a pending hold.

        ``lock``: the pending holds' rows are locked until the transaction ends (PostgreSQL
        ``FOR UPDATE``; SQLite transactions are ``BEGIN IMMEDIATE``), so no decision lands
        between this read and what the caller writes on the strength of it.
        """
        I, H = safety_hold_items.c, safety_holds.c  # noqa: E741
        query = (
            select(I.offer_id, H.id)
            .select_from(safety_hold_items.join(safety_holds, H.id == I.hold_id))
            .where(H.status == HoldStatus.PENDING.value, I.channel == channel)
        )
        if lock and self._pg:
            query = query.with_for_update(of=safety_holds)
        return {r[0]: r[1] for r in self.conn.execute(query)}

    def mark_held(self, channel: str, reasons: dict[str, str], *, now: datetime) -> None:
        """Listings ``held`` (never sent) with the reason shown to the seller (set-wise)."""
        existing: set[str] = set()
        for part in chunks(list(reasons)):
            query = select(LS.c.offer_id).where(LS.c.channel == channel, LS.c.offer_id.in_(part))
            existing.update(self.conn.execute(query).scalars())
        by_reason: dict[str, list[str]] = {}
        for offer_id in existing:
            by_reason.setdefault(reasons[offer_id], []).append(offer_id)
        held = {"state": "held", "error_code": "held", "approved_quantity": None, "updated_at": now}
        for reason, offers in by_reason.items():
            for part in chunks(offers):
                self.conn.execute(
                    update(LS)
                    .where(LS.c.channel == channel, LS.c.offer_id.in_(part))
                    .values(error_message=reason, **held)
                )
        new = [
            {"channel": channel, "offer_id": o, "error_message": r, **held}
            for o, r in reasons.items()
            if o not in existing
        ]
        if new:
            self.conn.execute(insert(LS), new)

    def release(self, channel: str, offer_ids: Iterable[str], *, now: datetime) -> int:
        """Held → ``approved``: planned again and sent without asking the guard again.

        The approved value (desired now) is kept in ``approved_quantity``: a failed push does not
        lose it; it is cleared when the push succeeds or desired moves to another value.
        """
        return self._from_held(channel, offer_ids, now, "approved", approved_desired())

    def unhold(self, channel: str, offer_ids: Iterable[str], *, now: datetime) -> int:
        """Held → ``idle``: planned and guarded again."""
        return self._from_held(channel, offer_ids, now, "idle")

    def restore_last_pushed(self, channel: str, offer_ids: Iterable[str], *, now: datetime) -> int:
        """Rejection: desired goes back to what the channel shows (last pushed); held → idle."""
        L = listings.c
        restored = 0
        for part in chunks(list(offer_ids)):
            restored += int(
                self.conn.execute(
                    update(listings)
                    .where(L.channel == channel, L.offer_id.in_(part), L.last_pushed.is_not(None))
                    .values(desired=L.last_pushed)
                ).rowcount
            )
        self.unhold(channel, offer_ids, now=now)
        return restored

    def restore_unconfirmed(self, channel: str, previous: dict[str, int], *, now: datetime) -> int:
        """Rejection of listings the channel never confirmed: desired goes back to ``previous``.

        (``previous``: the held change's last good desired value; listings with a last pushed
        value are left to :meth:`restore_last_pushed`.)
        """
        if not previous:
            return 0
        L = listings.c
        result = self.conn.execute(
            update(listings)
            .where(
                L.channel == channel,
                L.offer_id == bindparam("o"),
                L.last_pushed.is_(None),
            )
            .values(desired=bindparam("d")),
            [{"o": offer, "d": value} for offer, value in previous.items()],
        )
        return int(result.rowcount)

    def _from_held(
        self,
        channel: str,
        offer_ids: Iterable[str],
        now: datetime,
        state: str,
        approved: Any = None,
    ) -> int:
        changed = 0
        for part in chunks(list(offer_ids)):
            changed += int(
                self.conn.execute(
                    update(LS)
                    .where(LS.c.channel == channel, LS.c.state == "held", LS.c.offer_id.in_(part))
                    .values(
                        state=state,
                        approved_quantity=approved,
                        error_code=None,
                        error_message=None,
                        updated_at=now,
                    )
                ).rowcount
            )
        return changed

    def desired_of(self, channel: str, offer_ids: Iterable[str]) -> dict[str, int | None]:
        """A fresh read of ``offer_id → desired``."""
        L = listings.c
        found: dict[str, int | None] = {}
        for part in chunks(list(offer_ids)):
            query = select(L.offer_id, L.desired).where(L.channel == channel, L.offer_id.in_(part))
            found.update({r.offer_id: r.desired for r in self.conn.execute(query)})
        return found

    # -- what the guard reads ---------------------------------------------------------------
    def desired_all(self) -> dict[ListingKey, int | None]:
        """``(channel, offer) → desired`` of every listing (before a stock import)."""
        L = listings.c
        query = select(L.channel, L.offer_id, L.desired)
        return {(r.channel, r.offer_id): r.desired for r in self.conn.execute(query)}

    def listing_rows(self) -> list[Any]:
        """``channel, offer_id, sku, desired, last_pushed`` of every listing."""
        L = listings.c
        query = select(L.channel, L.offer_id, L.sku, L.desired, L.last_pushed)
        return list(self.conn.execute(query).all())

    def baseline(self, channel: str, *, since: datetime) -> list[ActiveListing]:
        """The channel's listings: last confirmed quantity and the window's confirmed peak.

        ``quantity`` is ``last_pushed`` (an accepted push or a reconciled read). ``peak`` is the
        highest quantity confirmed since ``since``: the value each accepted push replaced and
        the value it set. For listings a person (or the source) confirmed within the window the
        peak starts again from that confirmation: an approved mass drop is not counted twice.
        """
        L, B, BI = listings.c, sync_batches.c, sync_batch_items.c
        current = self.conn.execute(
            select(L.offer_id, L.sku, L.last_pushed).where(
                L.channel == channel, L.last_pushed.is_not(None)
            )
        ).all()
        peaks = {
            r[0]: max(v for v in (r[1], r[2]) if v is not None)
            for r in self.conn.execute(
                select(BI.offer_id, func.max(BI.previous), func.max(BI.quantity))
                .select_from(sync_batch_items.join(sync_batches, B.id == BI.batch_id))
                .where(B.channel == channel, B.finished_at >= since, BI.status == "ok")
                .group_by(BI.offer_id)
            )
        }
        confirmed = self._confirmed(channel, since)
        return [
            ActiveListing(
                offer_id=r.offer_id,
                sku=Sku(r.sku),
                quantity=int(r.last_pushed),
                peak=None if r.offer_id in confirmed else peaks.get(r.offer_id),
            )
            for r in current
        ]

    def _confirmed(self, channel: str, since: datetime) -> set[str]:
        I, H = safety_hold_items.c, safety_holds.c  # noqa: E741
        query = (
            select(I.offer_id)
            .select_from(safety_hold_items.join(safety_holds, H.id == I.hold_id))
            .where(I.channel == channel, H.status.in_(CONFIRMED), H.decided_at >= since)
        )
        return set(self.conn.execute(query).scalars())

    def ordered_units(self, *, since: datetime) -> dict[str, int]:
        """Units per SKU of orders imported since ``since`` (any channel): explained drops."""
        OR, OL = orders.c, order_lines.c
        query = (
            select(OL.sku, func.sum(OL.quantity))
            .select_from(order_lines.join(orders, OR.id == OL.order_id))
            .where(OR.first_seen_at >= since, OL.sku.is_not(None))
            .group_by(OL.sku)
        )
        return {r[0]: int(r[1] or 0) for r in self.conn.execute(query)}


def _hold_row(hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "channel": hold.channel,
        "scope": hold.scope.value,
        "reason": hold.reason.value,
        "message": hold.message,
        "cause": hold.cause,
        "status": hold.status.value,
        "created_at": hold.created_at,
        "decided_by": hold.decided_by,
        "decided_at": hold.decided_at,
        "note": hold.note,
    }


def _item_row(hold_id: str, held: HeldChange) -> dict[str, Any]:
    change = held.change
    return {
        "hold_id": hold_id,
        "channel": change.channel,
        "offer_id": change.offer_id,
        "sku": change.sku,
        "previous": change.previous,
        "quantity": change.quantity,
        "observed_at": change.observed_at,
        "message": held.message,
    }


def _held(reason: HoldReason, row: Any) -> HeldChange:
    change = ProposedChange(
        channel=ChannelId(row.channel),
        offer_id=row.offer_id,
        sku=Sku(row.sku),
        previous=row.previous,
        quantity=row.quantity,
        observed_at=_ts(row.observed_at),
    )
    return HeldChange(change=change, reason=reason, message=row.message)
