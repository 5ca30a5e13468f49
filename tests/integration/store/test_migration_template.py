"""The migrated databases the ``db_url`` fixture hands out equal a real Alembic upgrade.

``db_url`` copies a SQLite file migrated once per session and, on PostgreSQL, replays the SQL one
real upgrade sent (``tests/conftest.py``). Here both are compared, catalog entry by catalog entry
and row by row, with a database migrated by Alembic in the test itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head

PG_CATALOG = {
    "columns": """SELECT table_name, column_name, ordinal_position, data_type, udt_name,
        is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale
        FROM information_schema.columns WHERE table_schema = :schema
        ORDER BY table_name, ordinal_position""",
    "indexes": """SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = :schema ORDER BY tablename, indexname""",
    "constraints": """SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid)
        FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = :schema
        ORDER BY cl.relname, co.conname""",
    "types": """SELECT t.typname, t.typtype, e.enumlabel FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_enum e ON e.enumtypid = t.oid WHERE n.nspname = :schema
        AND t.typtype IN ('e', 'd') ORDER BY t.typname, e.enumsortorder""",
    "sequences": """SELECT sequence_name, data_type, start_value, increment
        FROM information_schema.sequences WHERE sequence_schema = :schema
        ORDER BY sequence_name""",
}


def _rows(conn: Connection) -> dict[str, list[Any]]:
    """Every row of every table (the seeded ones matter: warehouse ``main``, the revision)."""
    return {
        table: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{table}"')).all()), key=repr)
        for table in sorted(inspect(conn).get_table_names())
    }


def _inspected(conn: Connection) -> dict[str, Any]:
    found = inspect(conn)
    return {
        table: [
            sorted(map(repr, found.get_columns(table))),
            repr(found.get_pk_constraint(table)),
            sorted(map(repr, found.get_foreign_keys(table))),
            sorted(map(repr, found.get_indexes(table))),
            sorted(map(repr, found.get_unique_constraints(table))),
            sorted(map(repr, found.get_check_constraints(table))),
        ]
        for table in sorted(found.get_table_names())
    }


def _snapshot(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":  # batch mode's constraint order varies: sorted
                catalog: dict[str, Any] = _inspected(conn)
            else:
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                catalog = {
                    name: [
                        tuple(str(v).replace(schema, "<schema>") for v in row)
                        for row in conn.execute(text(query), {"schema": schema}).all()
                    ]
                    for name, query in PG_CATALOG.items()
                }
            return {**catalog, "rows": _rows(conn)}
    finally:
        engine.dispose()


@contextmanager
def _fresh_upgrade_like(url: str, folder: Path) -> Iterator[str]:
    """A new database of the same kind as ``url``, migrated by Alembic here."""
    if url.startswith("sqlite"):
        fresh = f"sqlite:///{folder / 'fresh.db'}"
        engine = make_engine(fresh)
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()
        yield fresh
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    base = make_url(url).difference_update_query(["options"])
    fresh = base.update_query_dict({"options": f"-csearch_path={name}"})
    admin = make_engine(base.render_as_string(hide_password=False))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        engine = make_engine(fresh.render_as_string(hide_password=False))
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()
        yield fresh.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def test_the_fixture_database_equals_a_real_upgrade(db_url: str, tmp_path: Path) -> None:
    handed_out = _snapshot(db_url)
    assert handed_out["rows"]["warehouses"]  # the seeded warehouse is there
    folder = tmp_path / "fresh"
    folder.mkdir()
    with _fresh_upgrade_like(db_url, folder) as fresh_url:
        assert handed_out == _snapshot(fresh_url)
