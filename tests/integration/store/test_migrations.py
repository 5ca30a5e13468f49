"""Schema changes go only through Alembic: the migrated schema equals the tables' metadata."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

import omnistock.store
from omnistock.store.engine import make_engine
from omnistock.store.migrate import current_revision, head_revision, upgrade_to_head
from omnistock.store.tables import metadata, warehouses


def _all_table_modules() -> None:
    """Import every store module so tables defined outside ``tables.py`` are in ``metadata``."""
    for module in pkgutil.iter_modules(omnistock.store.__path__, "omnistock.store."):
        if not module.name.endswith(".migrations"):
            importlib.import_module(module.name)


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    _all_table_modules()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_creates_every_table_and_records_the_head(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        assert current_revision(engine) is None
        upgrade_to_head(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"products", "listings", "stock_movements", "stock_levels"} <= tables
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.execute(select(warehouses.c.name)).scalars().all() == ["main"]


def test_migrations_are_one_linear_chain() -> None:
    from alembic.script import ScriptDirectory

    from omnistock.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        # plain postgresql:// means psycopg 3 (psycopg2 is not a dependency)
        ("postgresql://u@localhost/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+psycopg"),
        ("sqlite:///./omnistock.db", "sqlite"),
    ],
)
def test_engine_url_drivers(url: str, driver: str) -> None:
    engine = make_engine(url)
    assert engine.url.drivername == driver
    engine.dispose()
