"""The safety guard at stock import: the source checks and the import's own change-set.

:class:`FeedGate` is what ``service.stock.import_stock`` calls with ``gate=``:

1. ``check`` / ``reject`` — before anything changes: an empty, truncated or too old feed is
   rejected with an incident (rule 3);
2. ``snapshot`` / ``judge`` — **inside the import's transaction**: the listings whose desired the
   import changed are judged per channel account (rule 1, against the confirmed quantities and
   their peak within the window — or, for a listing the channel never confirmed, the desired
   value before this import — orders explaining drops). If any account's set trips the mass
   rule, every account's changes of this import wait in **one** hold (listings ``held``), with
   one critical incident — committed with the import, or not at all;
3. ``accepted`` — after the commit: the feed is recorded in the source's history, with when it
   reported each SKU (a SKU it stops reporting keeps its value and becomes stale, never 0), and
   the source's older pending holds are re-confirmed or superseded — only by a feed produced
   after the held one whose applied rows cover every held SKU.

The dispatcher's guard still judges every change-set before it leaves (``holds_guard``): a mass
drop that builds up at push time on one account is held for that account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import Connection

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.incidents.sources import from_feed_check
from omnistock.domain.safety import (
    FeedCheck,
    FeedSummary,
    GuardThresholds,
    Hold,
    ProposedChange,
    check_feed,
    guard_change_set,
    import_hold,
    usual_sku_count,
)
from omnistock.service.holds_decisions import reconfirm_holds
from omnistock.service.ports import UnitOfWork
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_holds import HoldRows, ListingKey
from omnistock.store.safety_repository import SafetyStore

__all__ = ["FeedGate", "FeedRejected", "import_id_of", "import_occurrence"]

Snapshot = dict[ListingKey, int | None]


class FeedRejected(InvalidValue):
    """The stock source's feed was rejected (empty, truncated, too old): nothing changed."""


def import_id_of(source: str, text: str) -> str:
    """``import:<source>:<first 16 hex of the file's SHA-256>`` (the cause of its changes)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"import:{source}:{digest}"


def import_occurrence(hold: Hold) -> Occurrence:
    """One critical ``guard_hold`` for an import's hold (keyed by the import, not a channel)."""
    return Occurrence(
        kind=IncidentKind.GUARD_HOLD,
        severity=Severity.CRITICAL,
        subject=f"change-set from {hold.cause}",
        channel=None,
        detail=f"{len(hold.items)} changes held on {', '.join(hold.channels)}: {hold.message}",
    )


def _connection(uow: UnitOfWork) -> Connection:
    conn = getattr(uow, "connection", None)
    if not isinstance(conn, Connection):
        raise TypeError("the feed gate needs a SQL unit of work (SqlUnitOfWork)")
    return conn


@dataclass(slots=True, kw_only=True)
class FeedGate:
    """Source checks of a stock import, its change-set's guard, and what follows an accepted one."""

    safety: SafetyStore
    incidents: IncidentStore
    thresholds: GuardThresholds = field(default_factory=GuardThresholds)
    max_age: Mapping[str, timedelta] = field(default_factory=dict)
    history: int = 10
    new_id: Callable[[], str] = field(default=lambda: uuid4().hex)

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

    def snapshot(self, uow: UnitOfWork) -> Snapshot:
        """Every listing's desired before the import changes anything (in its transaction)."""
        return HoldRows(_connection(uow)).desired_all()

    def judge(
        self, uow: UnitOfWork, before: object, *, import_id: str, now: datetime
    ) -> Hold | None:
        """Hold the import's changes on every account if rule 1 trips on any (same transaction).

        ``before`` is :meth:`snapshot` taken in the same transaction. Returns the hold, if any.
        """
        if not isinstance(before, dict):
            raise TypeError("before must be the gate's snapshot")
        conn = _connection(uow)
        rows = HoldRows(conn)
        since = now - self.thresholds.window
        proposed: dict[ChannelId, list[ProposedChange]] = {}
        for row in rows.listing_rows():
            key = (row.channel, row.offer_id)
            if row.desired is None or row.desired == row.last_pushed:
                continue  # nothing to send
            if key in before and before[key] == row.desired:
                continue  # not changed by this import
            channel = ChannelId(row.channel)
            proposed.setdefault(channel, []).append(
                ProposedChange(
                    channel=channel,
                    offer_id=row.offer_id,
                    sku=Sku(row.sku),
                    # never confirmed by the channel: the last desired value is the baseline
                    previous=row.last_pushed if row.last_pushed is not None else before.get(key),
                    quantity=row.desired,
                    observed_at=now,
                )
            )
        if not proposed:
            return None
        explained = {Sku(k): v for k, v in rows.ordered_units(since=since).items()}
        verdicts = {
            channel: guard_change_set(
                changes, rows.baseline(channel, since=since), explained, self.thresholds
            )
            for channel, changes in proposed.items()
        }
        hold = import_hold(verdicts, hold_id=self.new_id(), cause=import_id, now=now)
        if hold is None:
            return None
        rows.add([hold])
        for channel, offers in hold.offers().items():
            rows.mark_held(channel, dict.fromkeys(offers, hold.message), now=now)
        self.incidents.record([import_occurrence(hold)], now=now, conn=conn)
        return hold

    def accepted(
        self,
        *,
        source: str,
        import_id: str,
        count: int,
        produced_at: datetime,
        now: datetime,
        skus: frozenset[Sku] = frozenset(),
        applied: frozenset[Sku] = frozenset(),
    ) -> list[Hold]:
        """Record the accepted feed and the SKUs it reported; re-confirm the source's holds.

        ``applied``: the SKUs whose listings this import's applied rows decide (rows skipped as
        stale and SKUs it did not report confirm nothing).
        """
        self.safety.record_reported(source, skus, at=produced_at)
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
            self.incidents,
            source=source,
            import_id=import_id,
            produced_at=produced_at,
            applied=applied,
            now=now,
            enabled=self.thresholds.auto_clear_on_reconfirm,
        )
