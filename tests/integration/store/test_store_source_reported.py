"""A source's per-SKU ``reported_at`` only moves forward (#6 A5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from omnistock.store.safety_repository import SafetyStore
from omnistock.store.tables import products

T0 = datetime(2026, 11, 27, 10, tzinfo=UTC)


def test_a_late_older_feed_does_not_move_reported_at_backwards(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(products),
            [
                {"sku": s, "name": s, "vat": "23", "unit": "szt.", "price_gross": 1}
                for s in ("A", "B")
            ],
        )
    safety = SafetyStore(engine)
    safety.record_reported("erp", ["A"], at=T0 + timedelta(minutes=5))
    safety.record_reported("erp", ["A", "B"], at=T0)  # the older feed arrives late
    assert safety.stale_sku_count("erp", before=T0 + timedelta(minutes=1)) == 1  # only B
    safety.record_reported("erp", ["B"], at=T0 + timedelta(minutes=10))
    assert safety.stale_sku_count("erp", before=T0 + timedelta(minutes=6)) == 1  # only A
    assert safety.stale_sku_count("erp", before=T0 + timedelta(minutes=5)) == 0
