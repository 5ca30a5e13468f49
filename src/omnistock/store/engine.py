"""Database engines: SQLite (embedded default, WAL) and PostgreSQL (psycopg 3) from one URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

__all__ = ["BUSY_TIMEOUT_MS", "make_engine"]

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``: ``sqlite:///./omnistock.db``, ``sqlite://`` or ``postgresql://…``.

    SQLite gets WAL, ``foreign_keys=ON``, a busy timeout and ``BEGIN IMMEDIATE`` transactions
    (one writer at a time, never a lock upgrade that fails half-way). ``postgresql://`` means
    psycopg 3.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(url, memory=parsed.database in (None, "", ":memory:"))
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite(url: str, *, memory: bool) -> Engine:
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        options["poolclass"] = StaticPool  # one shared connection: one in-memory database
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _sqlite_connect(memory))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(memory: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see below)
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    return on_connect


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
