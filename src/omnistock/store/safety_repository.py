"""``SafetyStore``: holds, the pause switch, stock-feed history and worker heartbeats.

Each method is one transaction; ``transaction()`` opens one for several hold statements
(``store.safety_holds.HoldRows``): a decision and the listing changes it makes commit together.
Deciding a hold is one ``UPDATE … WHERE status = 'pending'`` (the row count says who won),
audited in the same transaction; never check-then-act.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, or_, select

from omnistock.domain.safety import ActiveListing, Hold, HoldStatus
from omnistock.store.incident_repository import audit_row, utc
from omnistock.store.safety_holds import HoldRows
from omnistock.store.safety_tables import (
    safety_channel_pauses,
    safety_feed_history,
    safety_heartbeats,
    safety_incident_events,
    safety_source_skus,
)
from omnistock.store.sql import chunks, dialect_insert, upsert

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

    @contextmanager
    def transaction(self) -> Iterator[HoldRows]:
        """One transaction for a decision and what it does to the held listings."""
        with self._tx() as conn:
            yield HoldRows(conn)

    # -- holds ------------------------------------------------------------------------------
    def add_holds(self, holds: Sequence[Hold], *, actor: str = "guard") -> None:
        with self.transaction() as rows:
            rows.add(holds, actor=actor)

    def hold(self, hold_id: str) -> Hold:
        with self.transaction() as rows:
            return rows.get(hold_id)

    def holds(self, *, status: HoldStatus | None = None, channel: str | None = None) -> list[Hold]:
        with self.transaction() as rows:
            return rows.all(status=status, channel=channel)

    def decide(self, decided: Hold) -> None:
        """Store a decision on a pending hold (``Conflict`` if someone decided first)."""
        with self.transaction() as rows:
            rows.decide(decided)

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

    def record_reported(self, source: str, skus: Iterable[str], *, at: datetime) -> None:
        """The source reported these SKUs at ``at`` (an accepted import).

        ``reported_at`` only moves forward: a late, older feed never makes a SKU look fresher
        than a newer feed already showed it (nor staler).
        """
        rows = [{"source": source, "sku": sku, "reported_at": at} for sku in sorted(set(skus))]
        S = safety_source_skus.c
        with self._tx() as conn:
            for part in chunks(rows):
                stmt = dialect_insert(conn, safety_source_skus)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["source", "sku"],
                        set_={"reported_at": stmt.excluded.reported_at},
                        where=or_(
                            S.reported_at.is_(None), S.reported_at < stmt.excluded.reported_at
                        ),
                    ),
                    part,
                )

    def stale_sku_count(self, source: str, *, before: datetime) -> int:
        """SKUs the source reported once but not since ``before`` (stale: unknown, never 0)."""
        S = safety_source_skus.c
        query = select(func.count()).where(S.source == source, S.reported_at < before)
        with self._tx() as conn:
            return int(conn.execute(query).scalar_one())

    def produced_at(self, import_id: str) -> datetime | None:
        """When the feed ``import_id`` was produced (the latest, if accepted more than once)."""
        F = safety_feed_history.c
        query = select(func.max(F.produced_at)).where(
            F.import_id == import_id, F.accepted.is_(True)
        )
        with self._tx() as conn:
            return utc(conn.execute(query).scalar())

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
    def baseline(self, channel: str, *, since: datetime) -> list[ActiveListing]:
        """The channel's listings with their confirmed quantity and window peak (``HoldRows``)."""
        with self.transaction() as rows:
            return rows.baseline(channel, since=since)

    def ordered_units(self, *, since: datetime) -> dict[str, int]:
        """Units per SKU of orders imported since ``since`` (any channel): explained drops."""
        with self.transaction() as rows:
            return rows.ordered_units(since=since)

    # -- heartbeats -------------------------------------------------------------------------
    def beat(self, holder: str, now: datetime) -> None:
        with self._tx() as conn:
            upsert(conn, safety_heartbeats, [{"holder": holder, "beat_at": now}], keys=["holder"])

    def heartbeats(self) -> dict[str, datetime]:
        with self._tx() as conn:
            rows = conn.execute(select(safety_heartbeats)).all()
        return {r.holder: _ts(r.beat_at) for r in rows}
