"""Shared fixtures: a migrated database on SQLite and, with ``OMNISTOCK_TEST_PG``, PostgreSQL.

On PostgreSQL every test gets its own schema (random name, ``search_path`` set in the URL, dropped
afterwards): several runs and agents share the one ``test`` database.

Migrating is the slow part, so it runs once per session per database: each SQLite test gets a copy
of a migrated file, and each PostgreSQL schema replays the statements one real Alembic upgrade
sent (recorded at the driver; ``tests/integration/store/test_migration_template.py`` checks the
result equals a real upgrade). Tests of migrating itself use ``empty_db_url``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from psycopg import ClientCursor
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head

PG_ENV = "OMNISTOCK_TEST_PG"

DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'omnistock.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    with _Schema(base) as url:
        yield url


@pytest.fixture
def db_url(request: pytest.FixtureRequest, empty_db_url: str, tmp_path: Path) -> str:
    """The URL of a database migrated to the newest revision (a copy of a session template)."""
    if empty_db_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "omnistock.db")
    else:
        script: MigrationScript = request.getfixturevalue("pg_migration_script")
        script.replay(empty_db_url)
    return empty_db_url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once by Alembic (checkpointed: the file alone is the database)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "omnistock.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    plain = sqlite3.connect(path)  # outside SQLAlchemy's BEGIN IMMEDIATE
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    return path


@dataclass
class MigrationScript:
    """The SQL one Alembic upgrade of an empty PostgreSQL schema sent, with values inlined."""

    schema: str
    statements: list[str] = field(default_factory=list)

    def replay(self, url: str) -> None:
        """Run the recorded SQL as one script, in one transaction, in the schema of ``url``."""
        script = ";\n".join(self.statements).replace(self.schema, _search_path(url))
        engine = make_engine(url)
        try:
            connection = engine.raw_connection()
            try:
                connection.cursor().execute(script)
                connection.commit()
            finally:
                connection.close()
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def pg_migration_script() -> Iterator[MigrationScript]:
    """One real Alembic upgrade on PostgreSQL, recorded at the driver (DBAPI cursor calls)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    with _Schema(base) as url:
        engine = make_engine(url)
        script = MigrationScript(_search_path(url))

        # Each listener returns None: the dialect then makes the call as usual. Values are
        # inlined the way psycopg would send them (client-side binding).
        @event.listens_for(engine, "do_execute")
        def one(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
            script.statements.append(ClientCursor(cursor.connection).mogrify(statement, parameters))

        @event.listens_for(engine, "do_executemany")
        def many(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
            inline = ClientCursor(cursor.connection)
            script.statements.extend(inline.mogrify(statement, values) for values in parameters)

        @event.listens_for(engine, "do_execute_no_params")
        def none(cursor: Any, statement: str, context: Any) -> None:
            script.statements.append(statement)

        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()
        yield script


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a migrated database (SQLite file or PostgreSQL schema)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _search_path(url: str) -> str:
    return str(make_url(url).query["options"]).removeprefix("-csearch_path=")


class _Schema:
    """A throw-away PostgreSQL schema; entering gives a URL whose ``search_path`` is it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.name = f"t_{uuid.uuid4().hex[:16]}"

    def __enter__(self) -> str:
        self._admin = make_engine(self.base)
        with self._admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        url = make_url(self.base).update_query_dict({"options": f"-csearch_path={self.name}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        try:
            with self._admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        finally:
            self._admin.dispose()
