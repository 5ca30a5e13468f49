"""Small SQL helpers shared by the repositories: dialect-aware upserts and chunked ``IN`` lists."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, Table
from sqlalchemy.dialects import postgresql, sqlite

__all__ = ["CHUNK", "chunks", "dialect_insert", "insert_ignore", "raw_rows", "upsert"]

CHUNK = 500
T = TypeVar("T")


def dialect_insert(conn: Connection, table: Table) -> Any:
    """The dialect's ``INSERT`` (with ``on_conflict_do_nothing`` / ``on_conflict_do_update``)."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING``; True when the row was inserted.

    Tells by ``RETURNING`` (psycopg does not report a row count for this statement).
    """
    first = next(iter(table.primary_key.columns))
    stmt = dialect_insert(conn, table).values(values).on_conflict_do_nothing().returning(first)
    return conn.execute(stmt).first() is not None


def upsert(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *, keys: Sequence[str]
) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` of every non-key column given."""
    if not rows:
        return
    stmt = dialect_insert(conn, table)
    changed = {name: stmt.excluded[name] for name in rows[0] if name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changed), list(rows))


def chunks(values: Collection[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size`` (bounded ``IN (…)`` parameter lists)."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def raw_rows(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """Run a ``SELECT`` on the driver's cursor and return plain tuples.

    For bulk reads on the recompute path (hundreds of thousands of rows), where building
    SQLAlchemy ``Row`` objects costs more than the query. Values come as the driver gives them:
    use only for columns without result processing (text, integers).
    """
    if not conn.in_transaction():
        conn.begin()  # same transaction (and on SQLite the same BEGIN) as the other reads
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    names = compiled.positiontup
    args: Any = tuple(params[n] for n in names) if names else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
