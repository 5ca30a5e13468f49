"""Read-only queries for metrics, readiness and the dashboard that no store repository offers.

Kept here (not in ``store/``) because the API owns no store module for them; each query is a
plain ``SELECT`` over existing tables and tolerates tables that are missing (a later area's
migration not applied yet). Candidates to move into ``store/`` when an owner wants them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, case, func, inspect, select, text

from omnistock.store.sync_tables import sync_attempts, sync_incidents

__all__ = [
    "attempt_counts",
    "database_ok",
    "has_table",
    "incident_count",
    "last_attempt_at",
    "last_heartbeat_at",
    "status_counts",
]


def database_ok(engine: Engine) -> tuple[bool, str]:
    """``(True, "")`` when ``SELECT 1`` answers, else ``(False, reason)``."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # readiness reports any failure
        return False, type(exc).__name__
    return True, ""


def has_table(engine: Engine, name: str) -> bool:
    return bool(inspect(engine).has_table(name))


def attempt_counts(engine: Engine) -> list[tuple[str, str, int, int]]:
    """``(channel, outcome, calls, of which HTTP 429)`` from the attempts table."""
    a = sync_attempts.c
    throttled = func.sum(case((a.http_status == 429, 1), else_=0))
    query = select(a.channel, a.outcome, func.count(), throttled).group_by(a.channel, a.outcome)
    with engine.connect() as conn:
        return [(str(r[0]), str(r[1]), int(r[2]), int(r[3] or 0)) for r in conn.execute(query)]


def incident_count(engine: Engine) -> dict[str, int]:
    """Sync incidents (dead items) per channel."""
    c = sync_incidents.c
    query = select(c.channel, func.count()).group_by(c.channel)
    with engine.connect() as conn:
        return {str(r[0]): int(r[1]) for r in conn.execute(query)}


def last_attempt_at(engine: Engine) -> datetime | None:
    """When the sync engine last called a channel."""
    with engine.connect() as conn:
        return _aware(conn.execute(select(func.max(sync_attempts.c.started_at))).scalar_one())


def last_heartbeat_at(engine: Engine) -> datetime | None:
    """The newest worker heartbeat (``safety_heartbeats.beat_at``), None without one."""
    if not has_table(engine, "safety_heartbeats"):
        return None
    table = Table("safety_heartbeats", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        return _aware(conn.execute(select(func.max(table.c.beat_at))).scalar_one())


def _aware(value: object) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value if isinstance(value, datetime) else None


def status_counts(
    engine: Engine, table_name: str, column_name: str = "status"
) -> dict[str, int] | None:
    """Rows per ``column_name`` of a later area's table (``{"": n}`` without that column).

    ``None`` when the table does not exist. Only counts are read: no personal data.
    """
    if not has_table(engine, table_name):
        return None
    table = Table(table_name, MetaData(), autoload_with=engine)
    column: Any = table.c.get(column_name)
    with engine.connect() as conn:
        if column is None:
            return {"": int(conn.execute(select(func.count()).select_from(table)).scalar_one())}
        rows = conn.execute(select(column, func.count()).group_by(column))
        return {str(r[0]): int(r[1]) for r in rows}
