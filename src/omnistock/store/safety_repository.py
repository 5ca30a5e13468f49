"""``SafetyStore``: holds, the pause switch, stock-feed history and worker heartbeats.

Each method is one transaction. Deciding a hold is one ``UPDATE … WHERE status = 'pending'``
(the row count says who won), audited in the same transaction; never check-then-act.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from omnistock.domain.errors import Conflict
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.safety import (
    HeldChange,
    Hold,
    HoldReason,
    HoldScope,
    HoldStatus,
    ProposedChange,
)
from omnistock.store.incident_repository import UnknownIncident, audit_row, utc
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.safety_tables import (
    safety_channel_pauses,
    safety_feed_history,
    safety_heartbeats,
    safety_hold_items,
    safety_holds,
    safety_incident_events,
)
from omnistock.store.sql import upsert
from omnistock.store.tables import listings

__all__ = ["ALL_CHANNELS", "FeedRecord", "SafetyStore"]

ALL_CHANNELS = "*"
"""The pause row that pauses every channel account."""

_EPOCH = datetime.min.replace(tzinfo=UTC)


def _ts(value: datetime | None) -> datetime:
    return utc(value) or _EPOCH


class FeedRecord:
    """One row of a source's feed history."""

    __slots__ = ("accepted", "import_id", "imported_at", "problem", "produced_at", "sku_count")

    def __init__(self, row: Any) -> None:
        self.import_id: str = row.import_id
        self.imported_at = _ts(row.imported_at)
        self.produced_at = _ts(row.produced_at)
        self.sku_count: int = row.sku_count
        self.accepted: bool = bool(row.accepted)
        self.problem: str | None = row.problem


class SafetyStore:
    """Every SQL statement of the safety guard (holds, pauses, feeds, heartbeats)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- holds ------------------------------------------------------------------------------
    def add_holds(self, holds: Sequence[Hold], *, actor: str = "guard") -> None:
        if not holds:
            return
        with self._tx() as conn:
            conn.execute(insert(safety_holds), [_hold_row(h) for h in holds])
            items = [_item_row(h.id, held) for h in holds for held in h.items]
            if items:
                conn.execute(insert(safety_hold_items), items)
            events = [
                audit_row("hold", h.id, "held", actor, h.created_at, h.message) for h in holds
            ]
            conn.execute(insert(safety_incident_events), events)

    def hold(self, hold_id: str) -> Hold:
        with self._tx() as conn:
            row = conn.execute(select(safety_holds).where(safety_holds.c.id == hold_id)).first()
            if row is None:
                raise UnknownIncident(f"no hold {hold_id!r}", field="id")
            return self._hold(conn, row)

    def holds(self, *, status: HoldStatus | None = None, channel: str | None = None) -> list[Hold]:
        H = safety_holds.c
        query = select(safety_holds).order_by(H.created_at, H.id)
        if status is not None:
            query = query.where(H.status == status.value)
        if channel is not None:
            query = query.where(H.channel == channel)
        with self._tx() as conn:
            return [self._hold(conn, r) for r in conn.execute(query).all()]

    def decide(self, decided: Hold) -> None:
        """Store a decision on a pending hold (``Conflict`` if someone decided first)."""
        H = safety_holds.c
        with self._tx() as conn:
            result = conn.execute(
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
            conn.execute(insert(safety_incident_events), [event])

    def _hold(self, conn: Connection, row: Any) -> Hold:
        I = safety_hold_items.c  # noqa: E741
        items = conn.execute(
            select(safety_hold_items).where(I.hold_id == row.id).order_by(I.offer_id)
        ).all()
        reason = HoldReason(row.reason)
        return Hold(
            id=row.id,
            channel=ChannelId(row.channel),
            scope=HoldScope(row.scope),
            reason=reason,
            message=row.message,
            items=tuple(_held(row.channel, reason, i) for i in items),
            created_at=_ts(row.created_at),
            cause=row.cause,
            status=HoldStatus(row.status),
            decided_by=row.decided_by,
            decided_at=utc(row.decided_at),
            note=row.note,
        )

    # -- pause switch -----------------------------------------------------------------------
    def set_pause(self, channel: str, paused: bool, *, by: str, now: datetime) -> None:
        row = {"channel": channel, "paused": paused, "changed_by": by, "changed_at": now}
        with self._tx() as conn:
            upsert(conn, safety_channel_pauses, [row], keys=["channel"])
            action = "paused" if paused else "resumed"
            conn.execute(
                insert(safety_incident_events), [audit_row("channel", channel, action, by, now)]
            )

    def paused(self) -> set[str]:
        """Paused channel accounts (``*`` when everything is paused)."""
        P = safety_channel_pauses.c
        with self._tx() as conn:
            rows = conn.execute(select(P.channel).where(P.paused.is_(True))).scalars().all()
        return set(rows)

    def is_paused(self, channel: str) -> bool:
        paused = self.paused()
        return channel in paused or ALL_CHANNELS in paused

    # -- feed history -----------------------------------------------------------------------
    def add_feed(
        self,
        *,
        source: str,
        import_id: str,
        imported_at: datetime,
        produced_at: datetime,
        sku_count: int,
        problem: str | None,
    ) -> None:
        row = {
            "source": source,
            "import_id": import_id,
            "imported_at": imported_at,
            "produced_at": produced_at,
            "sku_count": sku_count,
            "accepted": problem is None,
            "problem": problem,
        }
        with self._tx() as conn:
            conn.execute(insert(safety_feed_history), [row])

    def feeds(
        self, source: str, *, accepted_only: bool = False, limit: int = 10
    ) -> list[FeedRecord]:
        """The source's latest feeds, newest first."""
        F = safety_feed_history.c
        query = select(safety_feed_history).where(F.source == source)
        if accepted_only:
            query = query.where(F.accepted.is_(True))
        query = query.order_by(F.imported_at.desc(), F.id.desc()).limit(limit)
        with self._tx() as conn:
            return [FeedRecord(r) for r in conn.execute(query).all()]

    def sources(self) -> dict[str, datetime]:
        """Each source's last accepted import time."""
        F = safety_feed_history.c
        query = (
            select(F.source, func.max(F.imported_at)).where(F.accepted.is_(True)).group_by(F.source)
        )
        with self._tx() as conn:
            return {r[0]: _ts(r[1]) for r in conn.execute(query).all()}

    def latest_import(self, *, since: datetime) -> str | None:
        """The id of the newest accepted import at or after ``since`` (any source)."""
        F = safety_feed_history.c
        query = (
            select(F.import_id)
            .where(F.accepted.is_(True), F.imported_at >= since)
            .order_by(F.imported_at.desc(), F.id.desc())
            .limit(1)
        )
        with self._tx() as conn:
            return conn.execute(query).scalar()

    # -- what the guard reads ---------------------------------------------------------------
    def channel_listings(self, channel: str) -> list[tuple[str, str, int]]:
        """``(offer_id, sku, last_pushed)`` of the channel's listings the channel was told."""
        L = listings.c
        query = select(L.offer_id, L.sku, L.last_pushed).where(
            L.channel == channel, L.last_pushed.is_not(None)
        )
        with self._tx() as conn:
            return [(r.offer_id, r.sku, int(r.last_pushed)) for r in conn.execute(query)]

    def ordered_units(self, *, since: datetime) -> dict[str, int]:
        """Units per SKU of orders imported since ``since`` (any channel): explained drops."""
        OR, OL = orders.c, order_lines.c
        query = (
            select(OL.sku, func.sum(OL.quantity))
            .select_from(order_lines.join(orders, OR.id == OL.order_id))
            .where(OR.first_seen_at >= since, OL.sku.is_not(None))
            .group_by(OL.sku)
        )
        with self._tx() as conn:
            return {r[0]: int(r[1] or 0) for r in conn.execute(query)}

    # -- heartbeats -------------------------------------------------------------------------
    def beat(self, holder: str, now: datetime) -> None:
        with self._tx() as conn:
            upsert(conn, safety_heartbeats, [{"holder": holder, "beat_at": now}], keys=["holder"])

    def heartbeats(self) -> dict[str, datetime]:
        with self._tx() as conn:
            rows = conn.execute(select(safety_heartbeats)).all()
        return {r.holder: _ts(r.beat_at) for r in rows}


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
        "offer_id": change.offer_id,
        "sku": change.sku,
        "previous": change.previous,
        "quantity": change.quantity,
        "observed_at": change.observed_at,
        "message": held.message,
    }


def _held(channel: str, reason: HoldReason, row: Any) -> HeldChange:
    change = ProposedChange(
        channel=ChannelId(channel),
        offer_id=row.offer_id,
        sku=Sku(row.sku),
        previous=row.previous,
        quantity=row.quantity,
        observed_at=_ts(row.observed_at),
    )
    return HeldChange(change=change, reason=reason, message=row.message)
