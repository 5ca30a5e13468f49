"""The retention sweep over a test-only table: SQLite always, PostgreSQL when set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from privacy_helpers import BOTH_RING, PEOPLE, metadata, people, people_rows
from sqlalchemy import Engine, insert, select

from omnistock.privacy.retention import RetentionPolicy
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.sweep import sweep
from omnistock.store.engine import make_engine

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
DAY = timedelta(days=1)
PERSONAL = ("name", "address", "tax", "mail", "mail_hash", "customer_hash")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    metadata.create_all(engine)
    sealer = Sealer(BOTH_RING, PEOPLE)
    groups = [
        (range(3), {"delivered_at": NOW - 50 * DAY, "invoiced_at": NOW - 50 * DAY}),  # old
        (range(3, 6), {"delivered_at": NOW - 5 * DAY, "invoiced_at": NOW - 5 * DAY}),  # recent
        (range(6, 8), {"delivered_at": None, "invoiced_at": None}),  # not delivered yet
        (
            range(8, 10),
            {"delivered_at": NOW - 50 * DAY, "invoiced_at": datetime(2020, 5, 1, tzinfo=UTC)},
        ),
    ]
    with engine.begin() as conn:
        for ids, dates in groups:
            conn.execute(insert(people), list(people_rows(sealer, ids, **dates)))
    yield engine
    engine.dispose()


def held(engine: Engine) -> dict[int, set[str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(people)).mappings()
        return {r["id"]: {c for c in PERSONAL if r[c] is not None} for r in rows}


def test_sweep_empties_only_expired_fields_and_keeps_invoice_data_for_the_legal_period(
    db: Engine,
) -> None:
    report = sweep(db, PEOPLE, NOW, batch_size=3)
    after = held(db)
    assert all(after[n] == {"tax", "mail_hash", "customer_hash"} for n in range(3))  # invoice kept
    assert all(after[n] == set(PERSONAL) for n in range(3, 8))  # still needed
    assert all(after[n] == set() for n in range(8, 10))  # invoice of 2020: period ended 2026-01-01
    assert report.emptied == {
        "privacy_people.name": 5,
        "privacy_people.address": 5,
        "privacy_people.mail": 5,
        "privacy_people.tax": 2,
        "privacy_people.mail_hash": 2,
        "privacy_people.customer_hash": 2,
    }
    assert sweep(db, PEOPLE, NOW).total == 0  # idempotent


def test_sweep_follows_the_configured_period(db: Engine) -> None:
    sweep(db, PEOPLE, NOW, policy=RetentionPolicy(delivery_days=0, return_window_days=4))
    assert held(db)[3] == {"tax", "mail_hash", "customer_hash"}  # 5 days after delivery > 4 + 0
