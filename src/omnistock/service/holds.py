"""Use cases of the safety guard: the dispatcher's guard and re-read, holds, the feed gate.

- :class:`SafetyGuard` — the dispatcher's ``guard`` seam: judges each channel account's
  change-set (``domain.safety.guard_change_set``) against what the channel was last told and
  the units imported orders took within the window; stores holds and incidents.
- :class:`StoreReread` — the dispatcher's ``reread`` seam: a fresh read of desired right
  before a batch is sent.
- :func:`approve_hold`, :func:`reject_hold`, :func:`reconfirm_holds` — decisions, audited.
- :class:`FeedGate` — the stock import's source checks (truncated, too old) and, after an
  accepted import, the re-confirmation of pending holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Engine

from omnistock.channels.base import PushItem
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import IncidentKind
from omnistock.domain.incidents.sources import from_feed_check, from_verdict, suspicious_read
from omnistock.domain.safety import (
    ActiveListing,
    FeedCheck,
    FeedSummary,
    GuardThresholds,
    GuardVerdict,
    Hold,
    HoldStatus,
    ProposedChange,
    approve,
    check_feed,
    guard_change_set,
    holds_from_verdict,
    reconfirm,
    reject,
    reread,
    suspicious_channel_read,
    thresholds_from_table,
    usual_sku_count,
)
from omnistock.service.clock import SystemClock
from omnistock.service.incidents import resolve_kind
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.dispatcher import Hold as DispatchHold
from omnistock.sync.planner import ListingChange

__all__ = [
    "ChannelReadCheck",
    "FeedGate",
    "FeedRejected",
    "SafetyGuard",
    "SafetyParts",
    "StoreReread",
    "approve_hold",
    "import_id_of",
    "list_holds",
    "reconfirm_holds",
    "reject_hold",
    "safety_parts",
]

HOLD_KINDS = (IncidentKind.GUARD_HOLD, IncidentKind.HELD_ITEM)


class FeedRejected(InvalidValue):
    """The stock source's feed was rejected (empty, truncated, too old): nothing changed."""


def import_id_of(source: str, text: str) -> str:
    """``import:<source>:<first 16 hex of the file's SHA-256>`` (the cause of its changes)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"import:{source}:{digest}"


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
        if not changes:
            return []
        verdict = self.judge(channel, changes, now)
        if verdict.clean:
            return []
        since = now - self.thresholds.window
        cause = self.safety.latest_import(since=since) or ""
        ids = [self.new_id() for _ in verdict.held]
        holds = holds_from_verdict(
            verdict, ids=ids, channel=ChannelId(channel), now=now, cause=cause
        )
        self.safety.add_holds(holds)
        self.incidents.record(from_verdict(verdict, channel, cause or None), now=now)
        return _dispatch_holds(verdict)

    def judge(self, channel: str, changes: Sequence[ListingChange], now: datetime) -> GuardVerdict:
        """The pure verdict on ``changes`` with the stored baseline and explained units."""
        proposed = [_proposed(channel, c) for c in changes]
        current = [
            ActiveListing(offer_id=offer, sku=Sku(sku), quantity=quantity)
            for offer, sku, quantity in self.safety.channel_listings(channel)
        ]
        explained = self.safety.ordered_units(since=now - self.thresholds.window)
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
    held = [DispatchHold(offer_id=h.change.offer_id, reason=h.message) for h in verdict.held]
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
        now = self.clock() if self.clock is not None else _utcnow()
        self.incidents.record([suspicious_read(channel, zeroed)], now=now)
        return False


def _utcnow() -> datetime:
    return SystemClock().now()


# -- decisions ---------------------------------------------------------------------------------
def list_holds(safety: SafetyStore, *, pending_only: bool = False) -> list[Hold]:
    return safety.holds(status=HoldStatus.PENDING if pending_only else None)


def approve_hold(
    safety: SafetyStore,
    sync: SyncStore,
    incidents: IncidentStore,
    hold_id: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> Hold:
    """Send the held values through the normal path (items whose value moved are re-guarded)."""
    decided = approve(safety.hold(hold_id), by=by, now=now, note=note)
    safety.decide(decided)
    offers = [h.change.offer_id for h in decided.items]
    fresh = sync.desired_of(decided.channel, offers)
    same = [
        h.change.offer_id
        for h in decided.items
        if fresh.get(h.change.offer_id) == h.change.quantity
    ]
    sync.release_holds(decided.channel, same, now=now)
    sync.unhold(decided.channel, [o for o in offers if o not in same], now=now)
    _settle_incidents(safety, incidents, by=by, now=now)
    return decided


def reject_hold(
    safety: SafetyStore,
    sync: SyncStore,
    incidents: IncidentStore,
    hold_id: str,
    *,
    by: str,
    now: datetime,
    note: str = "",
) -> Hold:
    """Keep the last good state: each listing's desired goes back to what was last pushed."""
    decided = reject(safety.hold(hold_id), by=by, now=now, note=note)
    safety.decide(decided)
    sync.restore_last_pushed(decided.channel, [h.change.offer_id for h in decided.items], now=now)
    _settle_incidents(safety, incidents, by=by, now=now)
    return decided


def reconfirm_holds(
    safety: SafetyStore,
    sync: SyncStore,
    incidents: IncidentStore,
    *,
    source: str,
    import_id: str,
    now: datetime,
    enabled: bool = True,
) -> list[Hold]:
    """After an accepted import of ``source``: pending holds it caused are re-decided.

    The same values planned again → ``auto_cleared`` (sent); different values → ``rejected``
    (superseded; the new values are guarded on their own). Importing the very file that made
    the hold (same ``import_id``) confirms nothing.
    """
    decided: list[Hold] = []
    for hold in safety.holds(status=HoldStatus.PENDING):
        if not hold.cause.startswith(f"import:{source}:") or hold.cause == import_id:
            continue
        offers = [h.change.offer_id for h in hold.items]
        fresh = {k: v for k, v in sync.desired_of(hold.channel, offers).items() if v is not None}
        result = reconfirm(hold, fresh, import_id=import_id, now=now, enabled=enabled)
        if result is hold:
            continue
        safety.decide(result)
        if result.status is HoldStatus.AUTO_CLEARED:
            sync.release_holds(hold.channel, offers, now=now)
        else:
            sync.unhold(hold.channel, offers, now=now)
        decided.append(result)
    if decided:
        _settle_incidents(safety, incidents, by=f"source:{import_id}", now=now)
    return decided


def _settle_incidents(
    safety: SafetyStore, incidents: IncidentStore, *, by: str, now: datetime
) -> None:
    """With no hold pending any more, the hold incidents are resolved."""
    if not safety.holds(status=HoldStatus.PENDING):
        resolve_kind(incidents, HOLD_KINDS, by=by, now=now)


# -- stock feeds -------------------------------------------------------------------------------
@dataclass(slots=True, kw_only=True)
class FeedGate:
    """Source checks of a stock import, and what happens after an accepted one."""

    safety: SafetyStore
    sync: SyncStore
    incidents: IncidentStore
    thresholds: GuardThresholds = field(default_factory=GuardThresholds)
    max_age: Mapping[str, timedelta] = field(default_factory=dict)
    history: int = 10

    def check(
        self,
        *,
        source: str,
        skus: frozenset[Sku],
        produced_at: datetime,
        import_id: str,
        now: datetime,
    ) -> FeedCheck:
        """Accept or reject (``FeedRejected`` after recording the feed and an incident)."""
        usual = usual_sku_count(
            [f.sku_count for f in self.safety.feeds(source, accepted_only=True, limit=self.history)]
        )
        feed = FeedSummary(source=source, produced_at=produced_at, skus=skus)
        result = check_feed(
            feed,
            usual_count=usual,
            now=now,
            thresholds=self.thresholds,
            max_age=self.max_age.get(source),
        )
        if result.problem is not None:
            self.reject(
                source=source,
                import_id=import_id,
                result=result,
                count=len(skus),
                produced_at=produced_at,
                now=now,
            )
            raise FeedRejected(result.message, field="feed")
        return result

    def reject(
        self,
        *,
        source: str,
        import_id: str,
        result: FeedCheck,
        count: int,
        produced_at: datetime,
        now: datetime,
    ) -> None:
        """Record a rejected feed and its incident (nothing else changes)."""
        self.safety.add_feed(
            source=source,
            import_id=import_id,
            imported_at=now,
            produced_at=produced_at,
            sku_count=count,
            problem=str(result.problem),
        )
        occurrence = from_feed_check(result, source)
        if occurrence is not None:
            self.incidents.record([occurrence], now=now)

    def accepted(
        self, *, source: str, import_id: str, count: int, produced_at: datetime, now: datetime
    ) -> list[Hold]:
        """Record the accepted feed; pending holds of the source are re-confirmed."""
        self.safety.add_feed(
            source=source,
            import_id=import_id,
            imported_at=now,
            produced_at=produced_at,
            sku_count=count,
            problem=None,
        )
        return reconfirm_holds(
            self.safety,
            self.sync,
            self.incidents,
            source=source,
            import_id=import_id,
            now=now,
            enabled=self.thresholds.auto_clear_on_reconfirm,
        )


# -- wiring ------------------------------------------------------------------------------------
WATCH_KEYS = ("breaker_after_minutes", "heartbeat_after_minutes", "source_max_age_hours")
"""Keys of the ``[safety]`` table read by the watchdogs, not by ``thresholds_from_table``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyParts:
    """Everything the worker and the importer need from the safety guard, on one engine."""

    safety: SafetyStore
    sync: SyncStore
    incidents: IncidentStore
    thresholds: GuardThresholds
    guard: SafetyGuard
    reread: StoreReread
    gate: FeedGate
    read_check: ChannelReadCheck

    def paused(self, channel: str) -> bool:
        return self.safety.is_paused(channel)


def safety_parts(
    engine: Engine,
    section: Mapping[str, Any],
    *,
    clock: Callable[[], datetime] | None = None,
) -> SafetyParts:
    """Build the guard, re-read, pause check and feed gate from the ``[safety]`` table."""
    thresholds = thresholds_from_table({k: v for k, v in section.items() if k not in WATCH_KEYS})
    safety, sync, incidents = SafetyStore(engine), SyncStore(engine), IncidentStore(engine)
    return SafetyParts(
        safety=safety,
        sync=sync,
        incidents=incidents,
        thresholds=thresholds,
        guard=SafetyGuard(safety=safety, incidents=incidents, thresholds=thresholds),
        reread=StoreReread(sync=sync),
        gate=FeedGate(safety=safety, sync=sync, incidents=incidents, thresholds=thresholds),
        read_check=ChannelReadCheck(incidents=incidents, thresholds=thresholds, clock=clock),
    )
