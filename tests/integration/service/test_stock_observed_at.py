"""An older observation never replaces a newer one: stale counts are recorded, not applied."""

from __future__ import annotations

import queue
from datetime import datetime, timedelta

import pytest
from service_helpers import T0, Uow, desired, race

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import DEFAULT_WAREHOUSE, Sku
from omnistock.domain.ledger import StaleObservation
from omnistock.service import stock

MAIN = DEFAULT_WAREHOUSE
NOW = T0 + timedelta(hours=1)


def _set(uow: Uow, sku: str, qty: int, seen: datetime, now: datetime = NOW) -> bool:
    return stock.set_stock(
        uow(), Sku(sku), qty, warehouse=MAIN, actor="t", now=now, observed_at=seen
    )


def _on_hand(uow: Uow) -> dict[str, int]:
    with uow() as u:
        return {lvl.sku: lvl.on_hand for lvl in u.stock.levels(None)}


def _ledger(uow: Uow, sku: str) -> list[tuple[str, int, int | None]]:
    with uow() as u:
        rows = u.stock.movements(Sku(sku))
    return [(r["kind"], r["quantity"], r["on_hand_after"]) for r in rows]


def test_an_older_count_is_refused_naming_observed_at_and_kept_in_the_ledger(shop: Uow) -> None:
    _set(shop, "A", 10, T0 + timedelta(minutes=30))
    before = desired(shop)
    with pytest.raises(StaleObservation) as raised:
        _set(shop, "A", 2, T0 + timedelta(minutes=10))
    assert raised.value.field == "observed_at"
    assert "older than the stored level" in raised.value.message
    assert _on_hand(shop) == {"A": 10}
    assert desired(shop) == before
    assert _ledger(shop, "A") == [("set", 10, 10), ("stale", 2, 10)]


def test_a_count_with_the_same_or_a_newer_time_applies(shop: Uow) -> None:
    seen = T0 + timedelta(minutes=30)
    _set(shop, "A", 10, seen)
    assert _set(shop, "A", 8, seen) is True  # a tie: the later arrival wins
    assert _set(shop, "A", 5, seen + timedelta(seconds=1)) is True
    assert _on_hand(shop) == {"A": 5}
    assert desired(shop)[("allegro", "A")] == 5


def test_adjustments_always_apply_and_do_not_move_the_count_time(shop: Uow) -> None:
    _set(shop, "A", 10, T0 + timedelta(minutes=30))
    # an order's delta recorded "earlier" than the count still applies
    stock.adjust_stock(shop(), Sku("A"), -1, warehouse=MAIN, actor="t", now=T0)
    assert _on_hand(shop) == {"A": 9}
    stock.adjust_stock(shop(), Sku("A"), -1, warehouse=MAIN, actor="t", now=NOW)
    # a count newer than the last count applies even though an adjustment came after it
    assert _set(shop, "A", 4, T0 + timedelta(minutes=40)) is True
    assert _on_hand(shop) == {"A": 4}


def test_a_level_started_by_an_adjustment_accepts_any_count(shop: Uow) -> None:
    stock.adjust_stock(shop(), Sku("A"), 3, warehouse=MAIN, actor="t", now=NOW)
    assert _set(shop, "A", 7, T0) is True
    assert _on_hand(shop) == {"A": 7}


@pytest.mark.parametrize(
    "seen",
    [
        NOW + timedelta(minutes=5),  # in the future: would lock the level against real counts
        NOW.replace(tzinfo=None),  # no time zone
    ],
)
def test_a_bad_observed_at_is_rejected_and_nothing_is_written(shop: Uow, seen: datetime) -> None:
    with pytest.raises(InvalidValue) as raised:
        _set(shop, "A", 1, seen)
    assert raised.value.field == "observed_at"
    assert _on_hand(shop) == {}
    assert _ledger(shop, "A") == []


def _import(uow: Uow, text: str, seen: datetime) -> stock.ImportSummary:
    return stock.import_stock(uow(), text, source="erp", actor="t", now=NOW, produced_at=seen)


def test_an_import_skips_and_lists_stale_rows_and_applies_the_others(shop: Uow) -> None:
    _set(shop, "A", 10, T0 + timedelta(minutes=30))  # counted after the feed was produced
    _set(shop, "B", 6, T0 - timedelta(minutes=30))  # counted before
    summary = _import(shop, "sku,warehouse,on_hand\nA,main,1\nB,main,2\nC,main,3\n", T0)
    assert (summary.rows, summary.applied, summary.already_applied, summary.stale) == (3, 2, 0, 1)
    (row,) = summary.stale_rows
    assert (row.sku, row.warehouse, row.field) == ("A", "main", "observed_at")
    assert row.level_observed_at == (T0 + timedelta(minutes=30)).isoformat()
    assert _on_hand(shop) == {"A": 10, "B": 2, "C": 3}
    assert desired(shop)[("allegro", "A")] == 10
    assert _ledger(shop, "A")[-1] == ("stale", 1, 10)
    again = _import(shop, "sku,warehouse,on_hand\nA,main,1\nB,main,2\nC,main,3\n", T0)
    assert (again.applied, again.already_applied, again.stale) == (0, 3, 0)


def test_an_import_with_a_future_observed_at_is_rejected_whole(shop: Uow) -> None:
    with pytest.raises(InvalidValue) as raised:
        _import(shop, "sku,warehouse,on_hand\nA,main,1\n", NOW + timedelta(hours=1))
    assert raised.value.field == "observed_at"
    assert _on_hand(shop) == {}


def test_concurrent_counts_end_with_the_newest_observation(shop: Uow) -> None:
    """Two connections count at once; whichever commits last, the newer count stays."""
    for round_ in range(3):
        base = T0 + timedelta(minutes=10 * round_)
        counts: queue.SimpleQueue[tuple[int, datetime]] = queue.SimpleQueue()
        counts.put((100 + round_, base + timedelta(minutes=2)))  # newer
        counts.put((200 + round_, base + timedelta(minutes=1)))  # older

        def work(counts: queue.SimpleQueue[tuple[int, datetime]] = counts) -> None:
            qty, seen = counts.get()
            try:
                _set(shop, "A", qty, seen)
            except StaleObservation:
                pass

        assert race(work) == []
        assert _on_hand(shop) == {"A": 100 + round_}
