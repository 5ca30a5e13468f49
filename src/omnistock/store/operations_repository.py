"""Read-only figures for operators: what ``/metrics``, ``/readyz`` and the dashboard count.

Every number is an aggregate computed by the database (``GROUP BY``, ``SUM(CASE …)``), so a
scrape costs a fixed number of queries whatever the size of the history; :func:`read_figures`
runs them all in one transaction (one consistent snapshot, one SQLite lock). Nothing here reads
personal data: only channel names, states and counts.

Propagation latency is derived from the sync tables: a listing's ``observed_at`` is when the
committed stock change that set its desired quantity happened (it moves only when ``desired``
changes), the batch item carries it, and the batch's ``finished_at`` is when the channel
confirmed the item (a ``done`` batch, item result ``ok``). Latency = ``finished_at −
observed_at`` in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, case, extract, func, or_, select, text

from omnistock.store.invoice_tables import invoices
from omnistock.store.order_tables import incidents, order_lines, orders
from omnistock.store.rows import utc
from omnistock.store.safety_tables import safety_heartbeats, safety_holds
from omnistock.store.sync_tables import (
    sync_attempts,
    sync_batch_items,
    sync_batches,
    sync_channels,
    sync_incidents,
    sync_listing_state,
)
from omnistock.store.tables import listings

__all__ = [
    "BATCH_SIZE_BOUNDS",
    "LATENCY_BOUNDS",
    "CallCount",
    "Histogram",
    "OperationsFigures",
    "database_ok",
    "last_attempt_at",
    "last_heartbeat_at",
    "read_figures",
    "recent_sync_incidents",
    "sales_of",
]

BATCH_SIZE_BOUNDS: tuple[float, ...] = (1, 5, 10, 25, 50, 100, 250, 500, 1000)
"""Upper bounds of the batch-size histogram (items per push batch)."""
LATENCY_BOUNDS: tuple[float, ...] = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400)
"""Upper bounds (seconds) of the propagation latency histogram."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Histogram:
    """Prometheus-shaped: ``cumulative[i]`` observations were ``<= bounds[i]``."""

    bounds: tuple[float, ...]
    cumulative: tuple[int, ...]
    count: int
    total: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CallCount:
    """Channel API calls of one outcome, and how many of them were answered 429."""

    channel: str
    outcome: str
    calls: int
    throttled: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationsFigures:
    """One snapshot of every operator figure (keys are channel names or states)."""

    channels: tuple[str, ...]
    listing_states: dict[tuple[str, str], int] = field(default_factory=dict)
    dirty: dict[str, int] = field(default_factory=dict)
    calls: tuple[CallCount, ...] = ()
    pushes: dict[tuple[str, str], int] = field(default_factory=dict)
    pushed_items: dict[tuple[str, str], int] = field(default_factory=dict)
    batch_sizes: dict[str, Histogram] = field(default_factory=dict)
    latency: dict[str, Histogram] = field(default_factory=dict)
    sync_incidents: dict[str, int] = field(default_factory=dict)
    orders_by_channel: dict[str, int] = field(default_factory=dict)
    orders_by_status: dict[str, int] = field(default_factory=dict)
    invoices_by_status: dict[str, int] = field(default_factory=dict)
    incidents_by_state: dict[str, int] = field(default_factory=dict)
    open_incidents: dict[str, int] = field(default_factory=dict)
    holds_by_status: dict[str, int] = field(default_factory=dict)


def database_ok(engine: Engine) -> tuple[bool, str]:
    """``(True, "")`` when ``SELECT 1`` answers, else ``(False, reason)``."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # readiness reports any failure
        return False, type(exc).__name__
    return True, ""


def last_attempt_at(engine: Engine) -> datetime | None:
    """When the sync engine last called a channel."""
    with engine.connect() as conn:
        return _aware(conn.execute(select(func.max(sync_attempts.c.started_at))).scalar_one())


def last_heartbeat_at(engine: Engine) -> datetime | None:
    """The newest worker heartbeat (``safety_heartbeats.beat_at``), None without one."""
    with engine.connect() as conn:
        return _aware(conn.execute(select(func.max(safety_heartbeats.c.beat_at))).scalar_one())


def sales_of(engine: Engine, sku: str) -> list[tuple[str, datetime, int]]:
    """``(channel, first seen, units)`` of every order line of ``sku``, oldest first (cancelled
    and returned orders left out; no buyer data)."""
    o, line = orders.c, order_lines.c
    query = (
        select(o.channel, o.first_seen_at, line.quantity)
        .select_from(order_lines.join(orders, o.id == line.order_id))
        .where(line.sku == sku, or_(o.status.is_(None), o.status.not_in(("cancelled", "returned"))))
        .order_by(o.first_seen_at, o.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [(str(ch), at, int(units)) for ch, seen, units in rows if (at := _aware(seen))]


def recent_sync_incidents(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` dead-item records of the sync engine, newest first."""
    c = sync_incidents.c
    query = (
        select(c.created_at, c.channel, c.offer_id, c.kind, c.message)
        .order_by(c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def _aware(value: object) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return utc(value) if isinstance(value, datetime) else None


def read_figures(
    engine: Engine,
    *,
    size_bounds: Sequence[float] = BATCH_SIZE_BOUNDS,
    latency_bounds: Sequence[float] = LATENCY_BOUNDS,
) -> OperationsFigures:
    """Every figure in one transaction (a fixed number of aggregate queries)."""
    with engine.connect() as conn:
        return OperationsFigures(
            channels=_channels(conn),
            listing_states=_pairs(conn, select(
                sync_listing_state.c.channel, sync_listing_state.c.state, func.count()
            ).group_by(sync_listing_state.c.channel, sync_listing_state.c.state)),
            dirty=_dirty(conn),
            calls=_calls(conn),
            pushes=_pairs(conn, select(
                sync_batches.c.channel, sync_batches.c.status, func.count()
            ).group_by(sync_batches.c.channel, sync_batches.c.status)),
            pushed_items=_pushed_items(conn),
            batch_sizes=_batch_sizes(conn, tuple(size_bounds)),
            latency=_latency(conn, tuple(latency_bounds)),
            sync_incidents=_counts(conn, sync_incidents.c.channel),
            orders_by_channel=_counts(conn, orders.c.channel),
            orders_by_status=_counts(conn, orders.c.status),
            invoices_by_status=_counts(conn, invoices.c.status),
            incidents_by_state=_counts(conn, incidents.c.state),
            open_incidents=_counts(conn, incidents.c.severity, incidents.c.state != "resolved"),
            holds_by_status=_counts(conn, safety_holds.c.status),
        )  # fmt: skip


def _channels(conn: Connection) -> tuple[str, ...]:
    named = conn.execute(select(listings.c.channel).distinct()).scalars().all()
    synced = conn.execute(select(sync_channels.c.channel)).scalars().all()
    return tuple(sorted({str(c) for c in (*named, *synced)}))


def _counts(
    conn: Connection, column: Any, where: ColumnElement[bool] | None = None
) -> dict[str, int]:
    """Rows per value of ``column`` (``None`` shown as ``""``)."""
    query = select(column, func.count()).group_by(column)
    if where is not None:
        query = query.where(where)
    return {"" if r[0] is None else str(r[0]): int(r[1]) for r in conn.execute(query)}


def _pairs(conn: Connection, query: Any) -> dict[tuple[str, str], int]:
    return {(str(r[0]), str(r[1])): int(r[2]) for r in conn.execute(query)}


def _dirty(conn: Connection) -> dict[str, int]:
    """Listings whose desired differs from last pushed, per channel."""
    c = listings.c
    query = (
        select(c.channel, func.count())
        .where(c.desired.is_not(None), or_(c.last_pushed.is_(None), c.desired != c.last_pushed))
        .group_by(c.channel)
    )
    return {str(r[0]): int(r[1]) for r in conn.execute(query)}


def _calls(conn: Connection) -> tuple[CallCount, ...]:
    a = sync_attempts.c
    throttled = func.sum(case((a.http_status == 429, 1), else_=0))
    query = select(a.channel, a.outcome, func.count(), throttled).group_by(a.channel, a.outcome)
    return tuple(
        CallCount(channel=str(r[0]), outcome=str(r[1]), calls=int(r[2]), throttled=int(r[3] or 0))
        for r in conn.execute(query)
    )


def _pushed_items(conn: Connection) -> dict[tuple[str, str], int]:
    """Items sent per channel and result (``ok``, ``retryable``, ``permanent``, ``pending``)."""
    B, BI = sync_batches.c, sync_batch_items.c
    query = (
        select(B.channel, BI.status, func.count())
        .select_from(sync_batch_items.join(sync_batches, B.id == BI.batch_id))
        .group_by(B.channel, BI.status)
    )
    return _pairs(conn, query)


def _histograms(conn: Connection, values: Any, bounds: tuple[float, ...]) -> dict[str, Histogram]:
    """Bucket counts of ``values`` (a CTE with ``channel`` and ``value``) per channel.

    Each row is put in its first bucket by one ``CASE`` and the rows are grouped per bucket;
    the cumulative counts Prometheus wants are summed up here (``len(bounds) + 1`` rows per
    channel at most, whatever the history).
    """
    v = values.c.value
    bucket = case(*((v <= bound, i) for i, bound in enumerate(bounds)), else_=len(bounds))
    query = select(values.c.channel, bucket, func.count(), func.sum(v)).group_by(
        values.c.channel, bucket
    )
    per_bucket: dict[str, list[int]] = {}
    totals: dict[str, float] = {}
    for channel, index, count, total in conn.execute(query):
        counts = per_bucket.setdefault(str(channel), [0] * (len(bounds) + 1))
        counts[int(index)] += int(count)
        totals[str(channel)] = totals.get(str(channel), 0.0) + float(total or 0)
    return {
        channel: Histogram(
            bounds=bounds,
            cumulative=tuple(accumulate(counts[:-1])),
            count=sum(counts),
            total=totals[channel],
        )
        for channel, counts in per_bucket.items()
    }


def _materialized(conn: Connection, query: Any, name: str) -> Any:
    """``query`` as a CTE computed once (``AS MATERIALIZED`` where the engine knows it)."""
    cte = query.cte(name)
    version = getattr(conn.dialect.dbapi, "sqlite_version_info", None)
    if conn.dialect.name == "postgresql" or (version is not None and version >= (3, 35)):
        cte = cte.prefix_with("MATERIALIZED")
    return cte


def _batch_sizes(conn: Connection, bounds: tuple[float, ...]) -> dict[str, Histogram]:
    B, BI = sync_batches.c, sync_batch_items.c
    sizes = (
        select(B.channel.label("channel"), func.count(BI.offer_id).label("value"))
        .select_from(sync_batches.join(sync_batch_items, B.id == BI.batch_id))
        .group_by(B.id, B.channel)
    )
    return _histograms(conn, _materialized(conn, sizes, "batch_sizes"), bounds)


def _latency(conn: Connection, bounds: tuple[float, ...]) -> dict[str, Histogram]:
    B, BI = sync_batches.c, sync_batch_items.c
    seconds = _seconds_between(conn, BI.observed_at, B.finished_at)
    confirmed = (
        select(B.channel.label("channel"), seconds.label("value"))
        .select_from(sync_batches.join(sync_batch_items, B.id == BI.batch_id))
        .where(B.status == "done", BI.status == "ok", B.finished_at.is_not(None))
    )
    return _histograms(conn, _materialized(conn, confirmed, "latencies"), bounds)


def _seconds_between(conn: Connection, start: Any, end: Any) -> ColumnElement[Any]:
    """``end − start`` in seconds, in the dialect's own date arithmetic."""
    if conn.dialect.name == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
