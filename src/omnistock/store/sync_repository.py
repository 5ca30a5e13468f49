"""``SyncStore``: every SQL statement of the sync engine; each method is one transaction.

Claiming is atomic: the per-channel lease is one ``UPDATE … WHERE`` (the row count says who
won), budget and breaker changes are read-modify-write under a row lock (``FOR UPDATE`` on
PostgreSQL; SQLite serialises writers), dirty listings are read with ``FOR UPDATE SKIP LOCKED``
on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlalchemy.pool import StaticPool

from omnistock.channels.base import PushBatch, PushItem
from omnistock.domain.ids import ChannelId, Sku
from omnistock.store.rows import utc as _utc
from omnistock.store.sql import chunks
from omnistock.store.sync_tables import (
    sync_attempts,
    sync_batch_items,
    sync_batches,
    sync_channels,
    sync_incidents,
    sync_listing_state,
    sync_operation_budgets,
)
from omnistock.store.tables import listings
from omnistock.sync.breaker import BreakerState, BreakerStatus
from omnistock.sync.budget import BudgetState
from omnistock.sync.planner import ListingChange

__all__ = ["ChannelRow", "ItemOutcome", "StoredBatch", "SyncStore"]

T = TypeVar("T")
LS = sync_listing_state
BLOCKING = ("in_flight", "held")


def _must_utc(value: datetime) -> datetime:
    result = _utc(value)
    assert result is not None
    return result


def _budget(row: Any) -> BudgetState | None:
    if row["budget_updated_at"] is None:
        return None
    return BudgetState(
        requests=row["budget_requests"],
        changes=row["budget_changes"],
        updated_at=_must_utc(row["budget_updated_at"]),
        scale=row["budget_scale"],
        blocked_until=_utc(row["budget_blocked_until"]),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelRow:
    """Stored per-channel state."""

    channel: str
    budget: BudgetState | None
    breaker: BreakerState
    lease_holder: str | None
    lease_expires_at: datetime | None
    last_success_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredBatch:
    batch: PushBatch
    status: str
    attempts: int
    created_at: datetime
    command_id: str | None = None  # the channel's handle of a pending batch (mark_pending)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemOutcome:
    """What to record for one item; ``state``: ``idle`` (pushed), ``retry``, ``dead``, ``error``."""

    item: PushItem
    state: str
    result: str
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None


def approved_desired() -> Any:
    """The listing's current desired, as the approved value of its ``sync_listing_state`` row."""
    L = listings.c
    return (
        select(L.desired)
        .where(L.channel == LS.c.channel, L.offer_id == LS.c.offer_id)
        .scalar_subquery()
    )


class SyncStore:
    """Durable state of the sync engine on one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pg = engine.dialect.name == "postgresql"
        # one shared connection (in-memory SQLite) must not be used by several threads at once
        self.threads_ok = not isinstance(engine.pool, StaticPool)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn

    # -- channels: lease, budget, breaker -------------------------------------------------
    def ensure_channel(self, channel: str) -> None:
        with self._tx() as conn:
            found = conn.execute(
                select(sync_channels.c.channel).where(sync_channels.c.channel == channel)
            ).first()
            if found is None:
                self._insert_ignore(conn, sync_channels, {"channel": channel})

    def _insert_ignore(self, conn: Connection, table: Any, values: dict[str, Any]) -> None:
        if self._pg:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(table).values(values).on_conflict_do_nothing())
        else:
            conn.execute(insert(table).values(values).prefix_with("OR IGNORE"))

    def acquire_lease(self, channel: str, holder: str, *, now: datetime, ttl_s: float) -> bool:
        """Take or extend the channel's lease; False if another holder's lease is still valid."""
        self.ensure_channel(channel)
        c = sync_channels.c
        with self._tx() as conn:
            result = conn.execute(
                update(sync_channels)
                .where(
                    c.channel == channel,
                    or_(
                        c.lease_holder.is_(None), c.lease_holder == holder, c.lease_expires_at < now
                    ),
                )
                .values(lease_holder=holder, lease_expires_at=now + timedelta(seconds=ttl_s))
            )
            return result.rowcount == 1

    def release_lease(self, channel: str, holder: str) -> None:
        c = sync_channels.c
        with self._tx() as conn:
            conn.execute(
                update(sync_channels)
                .where(c.channel == channel, c.lease_holder == holder)
                .values(lease_holder=None, lease_expires_at=None)
            )

    def channel_row(self, channel: str) -> ChannelRow:
        with self._tx() as conn:
            return self._channel_row(conn, channel, lock=False)

    def _channel_row(self, conn: Connection, channel: str, *, lock: bool) -> ChannelRow:
        query = select(sync_channels).where(sync_channels.c.channel == channel)
        if lock and self._pg:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            return ChannelRow(
                channel=channel,
                budget=None,
                breaker=BreakerState(),
                lease_holder=None,
                lease_expires_at=None,
                last_success_at=None,
            )
        return ChannelRow(
            channel=channel,
            budget=_budget(row),
            breaker=BreakerState(
                status=BreakerStatus(row["breaker_status"]),
                failures=row["breaker_failures"],
                opened_at=_utc(row["breaker_opened_at"]),
            ),
            lease_holder=row["lease_holder"],
            lease_expires_at=_utc(row["lease_expires_at"]),
            last_success_at=_utc(row["last_success_at"]),
        )

    def update_budget(
        self, channel: str, change: Callable[[BudgetState | None], tuple[BudgetState, T]]
    ) -> T:
        """Atomically replace the budget with ``change(old)[0]``; return ``change(old)[1]``."""
        self.ensure_channel(channel)
        with self._tx() as conn:
            row = self._channel_row(conn, channel, lock=True)
            state, answer = change(row.budget)
            conn.execute(
                update(sync_channels)
                .where(sync_channels.c.channel == channel)
                .values(
                    budget_requests=state.requests,
                    budget_changes=state.changes,
                    budget_scale=state.scale,
                    budget_updated_at=state.updated_at,
                    budget_blocked_until=state.blocked_until,
                )
            )
            return answer

    def update_operation_budget(
        self,
        channel: str,
        operation: str,
        change: Callable[[BudgetState | None], tuple[BudgetState, T]],
    ) -> T:
        """Like ``update_budget`` for one push operation's own bucket (row locked on PG)."""
        self.ensure_channel(channel)  # the channel row is the lock that serialises workers
        O = sync_operation_budgets.c  # noqa: E741
        key = (O.channel == channel, O.operation == operation)
        with self._tx() as conn:
            self._channel_row(conn, channel, lock=True)
            row = conn.execute(select(sync_operation_budgets).where(*key)).mappings().first()
            old = None
            if row is not None:
                old = BudgetState(
                    requests=row["requests"],
                    changes=row["changes"],
                    updated_at=_must_utc(row["updated_at"]),
                    scale=row["scale"],
                    blocked_until=_utc(row["blocked_until"]),
                )
            state, answer = change(old)
            values = {
                "requests": state.requests,
                "changes": state.changes,
                "scale": state.scale,
                "updated_at": state.updated_at,
                "blocked_until": state.blocked_until,
            }
            if row is None:
                conn.execute(
                    insert(sync_operation_budgets).values(
                        channel=channel, operation=operation, **values
                    )
                )
            else:
                conn.execute(update(sync_operation_budgets).where(*key).values(**values))
            return answer

    def operation_budgets(self, channel: str) -> dict[str, BudgetState]:
        """Every stored operation budget of ``channel`` (status)."""
        O = sync_operation_budgets.c  # noqa: E741
        query = select(sync_operation_budgets).where(O.channel == channel)
        with self._tx() as conn:
            return {
                r["operation"]: BudgetState(
                    requests=r["requests"],
                    changes=r["changes"],
                    updated_at=_must_utc(r["updated_at"]),
                    scale=r["scale"],
                    blocked_until=_utc(r["blocked_until"]),
                )
                for r in conn.execute(query).mappings()
            }

    def update_breaker(
        self, channel: str, change: Callable[[BreakerState], BreakerState]
    ) -> BreakerState:
        self.ensure_channel(channel)
        with self._tx() as conn:
            state = change(self._channel_row(conn, channel, lock=True).breaker)
            conn.execute(
                update(sync_channels)
                .where(sync_channels.c.channel == channel)
                .values(
                    breaker_status=str(state.status),
                    breaker_failures=state.failures,
                    breaker_opened_at=state.opened_at,
                )
            )
            return state

    # -- listings ---------------------------------------------------------------------------
    def dirty_listings(self, channel: str, *, now: datetime, limit: int) -> list[ListingChange]:
        """Listings whose desired differs from last pushed and that may be tried now."""
        L = listings.c
        joined = listings.outerjoin(
            LS, and_(LS.c.channel == L.channel, LS.c.offer_id == L.offer_id)
        )
        query = (
            select(
                L.offer_id,
                L.sku,
                L.desired,
                L.last_pushed,
                L.observed_at,
                LS.c.pushed_observed_at,
                LS.c.state,
                LS.c.approved_quantity,
            )
            .select_from(joined)
            .where(
                L.channel == channel,
                L.desired.is_not(None),
                or_(L.last_pushed.is_(None), L.desired != L.last_pushed),
                or_(LS.c.state.is_(None), LS.c.state.not_in(BLOCKING)),
                or_(LS.c.failed_quantity.is_(None), LS.c.failed_quantity != L.desired),
                or_(LS.c.next_attempt_at.is_(None), LS.c.next_attempt_at <= now),
            )
            .order_by(L.offer_id)
            .limit(limit)
        )
        if self._pg:
            query = query.with_for_update(of=listings, skip_locked=True)
        with self._tx() as conn:
            rows = list(conn.execute(query).mappings())
            moved = [
                r["offer_id"]
                for r in rows
                if r["approved_quantity"] is not None and r["approved_quantity"] != r["desired"]
            ]
            for part in chunks(moved):  # desired moved since the approval: it no longer holds
                conn.execute(
                    update(LS)
                    .where(LS.c.channel == channel, LS.c.offer_id.in_(part))
                    .values(approved_quantity=None)
                )
            return [self._change(row, now) for row in rows]

    @staticmethod
    def _change(row: Any, now: datetime) -> ListingChange:
        """A dirty listing; ``approved`` while desired is still the value a person approved
        (kept through failed pushes: a ``retry`` does not lose it)."""
        approved_quantity = row["approved_quantity"]
        approved = approved_quantity is not None and approved_quantity == row["desired"]
        return ListingChange(
            offer_id=row["offer_id"],
            sku=row["sku"],
            desired=row["desired"],
            last_pushed=row["last_pushed"],
            observed_at=_utc(row["observed_at"]) or now,
            pushed_observed_at=_utc(row["pushed_observed_at"]),
            approved=approved,
        )

    def hold(
        self,
        channel: str,
        reasons: dict[str, str],
        *,
        now: datetime,
        state: str = "held",
        quantities: dict[str, int] | None = None,
    ) -> None:
        """Mark listings ``held`` (not sent) with the guard's reason.

        ``state="error"`` with ``quantities`` records values the guard found impossible: they
        are not retried until the desired quantity changes.
        """
        with self._tx() as conn:
            for offer_id, reason in reasons.items():
                self._set_state(
                    conn,
                    channel,
                    offer_id,
                    now,
                    state=state,
                    error_code=state,
                    error_message=reason,
                    failed_quantity=(quantities or {}).get(offer_id),
                )

    def unhold(self, channel: str, offer_ids: Sequence[str], *, now: datetime) -> int:
        """Put held listings back to ``idle``: they are planned (and guarded) again."""
        with self._tx() as conn:
            result = conn.execute(
                update(LS)
                .where(LS.c.channel == channel, LS.c.state == "held", LS.c.offer_id.in_(offer_ids))
                .values(state="idle", error_code=None, error_message=None, updated_at=now)
            )
            return int(result.rowcount)

    def restore_last_pushed(self, channel: str, offer_ids: Sequence[str], *, now: datetime) -> int:
        """Reject held values: desired goes back to what the channel shows (last pushed)."""
        L = listings.c
        with self._tx() as conn:
            result = conn.execute(
                update(listings)
                .where(L.channel == channel, L.offer_id.in_(offer_ids), L.last_pushed.is_not(None))
                .values(desired=L.last_pushed)
            )
            conn.execute(
                update(LS)
                .where(LS.c.channel == channel, LS.c.state == "held", LS.c.offer_id.in_(offer_ids))
                .values(state="idle", error_code=None, error_message=None, updated_at=now)
            )
            return int(result.rowcount)

    def desired_of(self, channel: str, offer_ids: Sequence[str]) -> dict[str, int | None]:
        """A fresh read of ``offer_id → desired`` (the re-read before sending)."""
        L = listings.c
        query = select(L.offer_id, L.desired).where(
            L.channel == channel, L.offer_id.in_(list(offer_ids))
        )
        with self._tx() as conn:
            return {r.offer_id: r.desired for r in conn.execute(query)}

    def record_channel_incident(
        self, channel: str, *, kind: str, message: str, now: datetime
    ) -> None:
        """An account-level problem (e.g. ``auth_failure``) for the alerts tick to announce."""
        with self._tx() as conn:
            conn.execute(
                insert(sync_incidents).values(
                    channel=channel, offer_id=None, kind=kind, message=message, created_at=now
                )
            )

    def unannounced_incidents(self, *, now: datetime) -> list[dict[str, Any]]:
        """Dead-item records not yet folded into incidents; marks them taken (one transaction)."""
        I = sync_incidents.c  # noqa: E741
        with self._tx() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(sync_incidents).where(I.notified_at.is_(None)).order_by(I.id)
                ).mappings()
            ]
            if rows:
                conn.execute(
                    update(sync_incidents)
                    .where(I.id.in_([r["id"] for r in rows]))
                    .values(notified_at=now)
                )
            return rows

    def open_breakers(self) -> list[tuple[str, datetime]]:
        """``(channel, opened_at)`` of every channel whose breaker is not closed."""
        C = sync_channels.c
        query = select(C.channel, C.breaker_opened_at).where(
            C.breaker_status != "closed", C.breaker_opened_at.is_not(None)
        )
        with self._tx() as conn:
            return [(r.channel, _must_utc(r.breaker_opened_at)) for r in conn.execute(query)]

    def revive(self, channel: str, offer_id: str, *, now: datetime) -> bool:
        """Give a ``dead`` listing a fresh start (the reconciler found it still drifting)."""
        with self._tx() as conn:
            result = conn.execute(
                update(LS)
                .where(LS.c.channel == channel, LS.c.offer_id == offer_id, LS.c.state == "dead")
                .values(
                    state="idle",
                    attempts=0,
                    next_attempt_at=None,
                    failed_quantity=None,
                    updated_at=now,
                )
            )
            return int(result.rowcount) == 1

    def release_holds(self, channel: str, offer_ids: Sequence[str], *, now: datetime) -> int:
        """Approve held listings: they are planned again and not shown to the guard."""
        with self._tx() as conn:
            result = conn.execute(
                update(LS)
                .where(LS.c.channel == channel, LS.c.state == "held", LS.c.offer_id.in_(offer_ids))
                .values(
                    state="approved",
                    approved_quantity=approved_desired(),
                    error_code=None,
                    error_message=None,
                    updated_at=now,
                )
            )
            return int(result.rowcount)

    def listing_quantities(
        self, channel: str, *, settled_only: bool = False
    ) -> dict[str, tuple[int | None, int | None]]:
        """``offer_id → (desired, last_pushed)``; ``settled_only`` skips listings in flight."""
        L = listings.c
        joined = listings.outerjoin(
            LS, and_(LS.c.channel == L.channel, LS.c.offer_id == L.offer_id)
        )
        query = (
            select(L.offer_id, L.desired, L.last_pushed)
            .select_from(joined)
            .where(L.channel == channel)
        )
        if settled_only:
            query = query.where(or_(LS.c.state.is_(None), LS.c.state != "in_flight"))
        with self._tx() as conn:
            return {r.offer_id: (r.desired, r.last_pushed) for r in conn.execute(query)}

    def set_last_pushed(self, channel: str, offer_id: str, quantity: int) -> None:
        """Record what the channel actually shows (reconciler); a differing desired is dirty."""
        L = listings.c
        with self._tx() as conn:
            conn.execute(
                update(listings)
                .where(L.channel == channel, L.offer_id == offer_id)
                .values(last_pushed=quantity)
            )

    # -- batches ----------------------------------------------------------------------------
    def add_batch(self, batch: PushBatch, *, now: datetime) -> None:
        """Persist the batch (id first, before any I/O) and mark its listings in flight."""
        with self._tx() as conn:
            conn.execute(
                insert(sync_batches).values(
                    id=str(batch.id), channel=batch.channel, status="sending", created_at=now
                )
            )
            conn.execute(
                insert(sync_batch_items), [self._item_row(batch.id, i) for i in batch.items]
            )
            for item in batch.items:
                self._set_state(
                    conn,
                    batch.channel,
                    item.offer_id,
                    now,
                    state="in_flight",
                    batch_id=str(batch.id),
                )

    @staticmethod
    def _item_row(batch_id: UUID, item: PushItem) -> dict[str, Any]:
        return {
            "batch_id": str(batch_id),
            "offer_id": item.offer_id,
            "sku": item.sku,
            "quantity": item.quantity,
            "previous": item.previous,
            "observed_at": item.observed_at,
            "reason": item.reason,
        }

    def _set_state(
        self, conn: Connection, channel: str, offer_id: str, now: datetime, **values: Any
    ) -> None:
        values["updated_at"] = now
        key = (LS.c.channel == channel, LS.c.offer_id == offer_id)
        if conn.execute(update(LS).where(*key).values(**values)).rowcount == 0:
            conn.execute(insert(LS).values(channel=channel, offer_id=offer_id, **values))

    def open_batches(self, channel: str) -> list[StoredBatch]:
        """Batches sent or accepted whose results are not recorded yet, oldest first."""
        B = sync_batches.c
        query = (
            select(sync_batches)
            .where(B.channel == channel, B.status.in_(("sending", "pending")))
            .order_by(B.created_at, B.id)
        )
        with self._tx() as conn:
            rows = conn.execute(query).mappings().all()
            return [self._stored(conn, row) for row in rows]

    def _stored(self, conn: Connection, row: Any) -> StoredBatch:
        BI = sync_batch_items.c
        items = conn.execute(
            select(sync_batch_items).where(BI.batch_id == row["id"]).order_by(BI.offer_id)
        ).mappings()
        push_items = tuple(
            PushItem(
                offer_id=i["offer_id"],
                sku=Sku(i["sku"]),
                quantity=i["quantity"],
                previous=i["previous"],
                observed_at=_must_utc(i["observed_at"]),
                reason=i["reason"],
            )
            for i in items
        )
        batch = PushBatch(id=UUID(row["id"]), channel=ChannelId(row["channel"]), items=push_items)
        return StoredBatch(
            batch=batch,
            status=row["status"],
            attempts=row["attempts"],
            created_at=_must_utc(row["created_at"]),
            command_id=row["command_id"],
        )

    def record_attempt(
        self,
        batch_id: UUID,
        channel: str,
        *,
        started_at: datetime,
        duration_ms: int,
        outcome: str,
        http_status: int | None = None,
        error: str | None = None,
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                insert(sync_attempts).values(
                    batch_id=str(batch_id),
                    channel=channel,
                    started_at=started_at,
                    duration_ms=duration_ms,
                    outcome=outcome,
                    http_status=http_status,
                    error=error,
                )
            )
            conn.execute(
                update(sync_batches)
                .where(sync_batches.c.id == str(batch_id))
                .values(attempts=sync_batches.c.attempts + 1)
            )

    def mark_pending(self, batch_id: UUID, command_id: str | None) -> None:
        with self._tx() as conn:
            conn.execute(
                update(sync_batches)
                .where(sync_batches.c.id == str(batch_id))
                .values(status="pending", command_id=command_id)
            )

    def finish_batch(
        self, batch: PushBatch, outcomes: Sequence[ItemOutcome], *, status: str, now: datetime
    ) -> None:
        """Record every item's outcome and close the batch, in one transaction."""
        with self._tx() as conn:
            for outcome in outcomes:
                self._record_item(conn, batch, outcome, now)
            conn.execute(
                update(sync_batches)
                .where(sync_batches.c.id == str(batch.id))
                .values(status=status, finished_at=now)
            )
            if status == "done":
                conn.execute(
                    update(sync_channels)
                    .where(sync_channels.c.channel == batch.channel)
                    .values(last_success_at=now)
                )

    def _record_item(
        self, conn: Connection, batch: PushBatch, outcome: ItemOutcome, now: datetime
    ) -> None:
        item = outcome.item
        BI = sync_batch_items.c
        conn.execute(
            update(sync_batch_items)
            .where(BI.batch_id == str(batch.id), BI.offer_id == item.offer_id)
            .values(
                status=outcome.result,
                error_code=outcome.error_code,
                error_message=outcome.error_message,
            )
        )
        values: dict[str, Any] = {
            "state": outcome.state,
            "batch_id": None,
            "attempts": outcome.attempts,
            "next_attempt_at": outcome.next_attempt_at,
            "error_code": outcome.error_code,
            "error_message": outcome.error_message,
            "failed_quantity": item.quantity if outcome.state in ("dead", "error") else None,
        }
        if outcome.state == "idle":
            values["pushed_observed_at"] = item.observed_at
            values["approved_quantity"] = None  # the approved value is on the channel now
            L = listings.c
            conn.execute(
                update(listings)
                .where(L.channel == batch.channel, L.offer_id == item.offer_id)
                .values(last_pushed=item.quantity)
            )
        self._set_state(conn, batch.channel, item.offer_id, now, **values)
        if outcome.state == "dead":
            conn.execute(
                insert(sync_incidents).values(
                    channel=batch.channel,
                    offer_id=item.offer_id,
                    kind="sync_dead",
                    message=f"gave up pushing {item.quantity} after {outcome.attempts} attempts: "
                    f"{outcome.error_code or ''} {outcome.error_message or ''}".strip(),
                    created_at=now,
                )
            )

    def attempts_of(self, channel: str, offer_ids: Sequence[str]) -> dict[str, int]:
        """Failed attempts so far per offer (0 when never failed)."""
        query = select(LS.c.offer_id, LS.c.attempts).where(
            LS.c.channel == channel, LS.c.offer_id.in_(list(offer_ids))
        )
        with self._tx() as conn:
            found = {r.offer_id: r.attempts for r in conn.execute(query)}
        return {o: found.get(o, 0) for o in offer_ids}

    # -- status -----------------------------------------------------------------------------
    def known_channels(self) -> list[str]:
        """Channels with listings or sync state."""
        with self._tx() as conn:
            named = conn.execute(select(listings.c.channel).distinct()).scalars().all()
            synced = conn.execute(select(sync_channels.c.channel)).scalars().all()
        return sorted({str(c) for c in (*named, *synced)})

    def state_counts(self, channel: str) -> dict[str, int]:
        query = select(LS.c.state, func.count()).where(LS.c.channel == channel).group_by(LS.c.state)
        with self._tx() as conn:
            return {str(row[0]): int(row[1]) for row in conn.execute(query)}

    def dirty_count(self, channel: str) -> int:
        L = listings.c
        query = select(func.count()).where(
            L.channel == channel,
            L.desired.is_not(None),
            or_(L.last_pushed.is_(None), L.desired != L.last_pushed),
        )
        with self._tx() as conn:
            return int(conn.execute(query).scalar_one())

    def incidents(self, channel: str | None = None) -> list[dict[str, Any]]:
        query = select(sync_incidents).order_by(sync_incidents.c.id)
        if channel is not None:
            query = query.where(sync_incidents.c.channel == channel)
        with self._tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def confirmations(self, channel: str) -> list[tuple[str, int, datetime, datetime]]:
        """``(offer_id, quantity, observed_at, confirmed_at)`` of every confirmed item."""
        BI, B = sync_batch_items.c, sync_batches.c
        query = (
            select(BI.offer_id, BI.quantity, BI.observed_at, B.finished_at)
            .select_from(sync_batch_items.join(sync_batches, B.id == BI.batch_id))
            .where(B.channel == channel, B.status == "done", BI.status == "ok")
        )
        with self._tx() as conn:
            return [
                (r.offer_id, r.quantity, _must_utc(r.observed_at), _must_utc(r.finished_at))
                for r in conn.execute(query)
            ]

    def batches(self, channel: str) -> list[dict[str, Any]]:
        query = (
            select(sync_batches)
            .where(sync_batches.c.channel == channel)
            .order_by(sync_batches.c.created_at, sync_batches.c.id)
        )
        with self._tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def attempts(self, channel: str) -> list[dict[str, Any]]:
        query = (
            select(sync_attempts)
            .where(sync_attempts.c.channel == channel)
            .order_by(sync_attempts.c.id)
        )
        with self._tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
