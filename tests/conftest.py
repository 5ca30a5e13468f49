"""Shared fixtures: a migrated database on SQLite and, with ``OMNISTOCK_TEST_PG``, PostgreSQL.

On PostgreSQL every test gets its own schema (random name, ``search_path`` set in the URL, dropped
afterwards): several runs and agents share the one ``test`` database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
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
def db_url(empty_db_url: str) -> str:
    """The URL of a database migrated to the newest revision."""
    engine = make_engine(empty_db_url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    return empty_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a migrated database (SQLite file or PostgreSQL schema)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


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
