"""The safety guard at push time: the dispatcher's ``guard``, ``reread`` and read-check seams.

- :class:`SafetyGuard` — judges each channel account's change-set (``domain.safety``) against
  the channel's confirmed quantities and their peak within the window, and the units imported
  orders took within it; stores holds (one per account: a set, or one per item) and incidents.
- :class:`StoreReread` — a fresh read of desired right before a batch is sent.
- :class:`ChannelReadCheck` — a channel claiming its offers are at 0 is not believed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from omnistock.channels.base import PushItem
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents.sources import from_verdict, suspicious_read
from omnistock.domain.safety import (
    GuardThresholds,
    GuardVerdict,
    ProposedChange,
    guard_change_set,
    holds_from_verdict,
    reread,
    suspicious_channel_read,
)
from omnistock.service.clock import SystemClock
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.dispatcher import Hold as DispatchHold
from omnistock.sync.planner import ListingChange

__all__ = ["ChannelReadCheck", "SafetyGuard", "StoreReread"]


@dataclass(slots=True, kw_only=True)
class SafetyGuard:
    """The dispatcher's guard: holds and errors for one channel account's change-set."""

    safety: SafetyStore
    incidents: IncidentStore
    thresholds: GuardThresholds = field(default_factory=GuardThresholds)
    new_id: Callable[[], str] = field(default=lambda: uuid4().hex)

    def __call__(
        self, channel: str, changes: Sequence[ListingChange], now: datetime
    ) -> list[DispatchHold]:
        """Holds and errors for ``changes``; stored with their incidents in one transaction.

        A change to a listing that a pending hold keeps (e.g. a batch was in flight when a stock
        import held it) is never sent: it waits for that hold's decision. Its ``held`` state is
        written in the transaction that found the hold pending (the hold rows locked), so a
        decision made meanwhile either comes first (the listing is not held) or after (it lets
        the listing go): a listing is never left held without a pending hold. The holds
        returned are already recorded (``recorded=True``).
        """
        if not changes:
            return []
        with self.safety.transaction() as rows:
            kept = rows.pending_offers(channel, lock=True)
            waits = {
                c.offer_id: f"waits for hold {kept[c.offer_id]}"
                for c in changes
                if c.offer_id in kept
            }
            if waits:
                rows.mark_held(channel, waits, now=now)
        waiting = [
            DispatchHold(offer_id=offer, reason=reason, recorded=True)
            for offer, reason in waits.items()
        ]
        verdict = self.judge(channel, [c for c in changes if c.offer_id not in kept], now)
        if verdict.clean:
            return waiting
        since = now - self.thresholds.window
        cause = self.safety.latest_import(since=since) or ""
        ids = [self.new_id() for _ in verdict.held]
        holds = holds_from_verdict(
            verdict, ids=ids, channel=ChannelId(channel), now=now, cause=cause
        )
        with self.safety.transaction() as rows:
            rows.add(holds)
            reasons = {h.change.offer_id: h.message for h in verdict.held}
            rows.mark_held(channel, reasons, now=now)
            occurrences = from_verdict(verdict, channel, cause or None)
            self.incidents.record(occurrences, now=now, conn=rows.conn)
        return waiting + _dispatch_holds(verdict)

    def judge(self, channel: str, changes: Sequence[ListingChange], now: datetime) -> GuardVerdict:
        """The pure verdict on ``changes`` with the stored baseline and explained units."""
        since = now - self.thresholds.window
        proposed = [_proposed(channel, c) for c in changes]
        current = self.safety.baseline(channel, since=since)
        explained = self.safety.ordered_units(since=since)
        return guard_change_set(
            proposed, current, {Sku(k): v for k, v in explained.items()}, self.thresholds
        )


def _proposed(channel: str, change: ListingChange) -> ProposedChange:
    return ProposedChange(
        channel=ChannelId(channel),
        offer_id=change.offer_id,
        sku=Sku(change.sku),
        previous=change.last_pushed,
        quantity=change.desired,
        observed_at=change.observed_at,
    )


def _dispatch_holds(verdict: GuardVerdict) -> list[DispatchHold]:
    held = [
        DispatchHold(offer_id=h.change.offer_id, reason=h.message, recorded=True)
        for h in verdict.held
    ]  # marked held with their hold in the guard's transaction
    errors = [
        DispatchHold(
            offer_id=e.change.offer_id,
            reason=e.message,
            error=True,
            quantity=e.change.quantity if isinstance(e.change.quantity, int) else None,
        )
        for e in verdict.errors
    ]
    return held + errors


@dataclass(slots=True, kw_only=True)
class StoreReread:
    """The dispatcher's re-read: offer ids whose freshly read desired differs from the batch."""

    sync: SyncStore

    def __call__(self, channel: str, items: Sequence[PushItem]) -> set[str]:
        fresh = self.sync.desired_of(channel, [i.offer_id for i in items])
        batch = [
            ProposedChange(
                channel=ChannelId(channel),
                offer_id=i.offer_id,
                sku=i.sku,
                previous=i.previous,
                quantity=i.quantity,
                observed_at=i.observed_at,
            )
            for i in items
        ]
        return {c.offer_id for c in reread(batch, fresh).replan}


@dataclass(slots=True, kw_only=True)
class ChannelReadCheck:
    """The reconciler's read check: a channel claiming its offers are at 0 is not believed.

    A suspicious read (``domain.safety.suspicious_channel_read``) raises a critical
    ``suspicious_read`` incident and the local state is kept.
    """

    incidents: IncidentStore
    thresholds: GuardThresholds = field(default_factory=GuardThresholds)
    clock: Callable[[], datetime] | None = None

    def __call__(self, channel: str, read: Mapping[str, int], pushed: Mapping[str, int]) -> bool:
        if not suspicious_channel_read(read, pushed, self.thresholds):
            return True
        zeroed = sum(1 for offer, q in read.items() if q == 0 and pushed.get(offer, 0) > 0)
        now = self.clock() if self.clock is not None else SystemClock().now()
        self.incidents.record([suspicious_read(channel, zeroed)], now=now)
        return False
