"""SQLite runs in WAL mode with foreign keys enforced; both engines refuse orphans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import IntegrityError

from omnistock.store.engine import make_engine
from omnistock.store.tables import listings


def test_sqlite_file_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_sqlite_memory_url_is_one_shared_database() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    engine.dispose()


def test_listing_of_unknown_product_is_refused(engine: Engine) -> None:
    row = {"channel": "nope", "sku": "NOPE", "offer_id": "1"}
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(listings).values(row))


def test_in_memory_database_migrates_and_keeps_data_between_units_of_work() -> None:
    from omnistock.domain.ids import Sku
    from omnistock.domain.product import Product
    from omnistock.store.migrate import upgrade_to_head
    from omnistock.store.unit_of_work import SqlUnitOfWork

    engine = make_engine("sqlite://")
    upgrade_to_head(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.products.add(Product(sku=Sku("A"), name="A"))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert [p.sku for p in uow.products.list()] == ["A"]
    engine.dispose()
