"""Stock use cases: set, adjust and import through the ledger; touched listings recomputed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from service_helpers import T0, Uow, desired, race

from omnistock.domain.errors import InvalidFile, InvalidValue, UnknownSku, UnknownWarehouse
from omnistock.domain.ids import DEFAULT_WAREHOUSE, Sku, WarehouseId
from omnistock.service import stock

MAIN = DEFAULT_WAREHOUSE


def _set(uow: Uow, sku: str, qty: int, key: str | None = None) -> bool:
    return stock.set_stock(
        uow(), Sku(sku), qty, warehouse=MAIN, actor="t", now=T0, idempotency_key=key
    )


def _on_hand(uow: Uow) -> dict[tuple[str, str], int]:
    with uow() as u:
        return {(lvl.sku, lvl.warehouse): lvl.on_hand for lvl in u.stock.levels(None)}


def test_set_stock_recomputes_only_that_skus_listings(shop: Uow) -> None:
    _set(shop, "A", 7)
    got = desired(shop)
    assert got[("allegro", "A")] == 7
    assert got[("shop", "A")] == 7
    assert got[("allegro", "B")] == 0


def test_set_stock_with_a_used_key_changes_nothing(shop: Uow) -> None:
    assert _set(shop, "A", 7, key="count-1") is True
    assert _set(shop, "A", 3, key="count-1") is False
    assert _on_hand(shop) == {("A", "main"): 7}


@pytest.mark.parametrize(
    ("sku", "warehouse", "error", "field"),
    [
        ("NOPE", MAIN, UnknownSku, "sku"),  # unknown product
        ("A", WarehouseId("elsewhere"), UnknownWarehouse, "warehouse"),  # unknown warehouse
    ],
)
def test_set_stock_rejects_unknown_names(
    shop: Uow, sku: str, warehouse: WarehouseId, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        stock.set_stock(shop(), Sku(sku), 1, warehouse=warehouse, actor="t", now=T0)
    assert getattr(raised.value, "field", None) == field
    assert _on_hand(shop) == {}


def test_adjust_below_zero_is_refused_and_listings_stay(shop: Uow) -> None:
    _set(shop, "A", 2)
    before = desired(shop)
    with pytest.raises(InvalidValue) as raised:
        stock.adjust_stock(shop(), Sku("A"), -3, warehouse=MAIN, actor="t", now=T0)
    assert raised.value.field == "quantity"
    assert _on_hand(shop) == {("A", "main"): 2}
    assert desired(shop) == before


def test_adjust_adds_to_on_hand_and_recomputes(shop: Uow) -> None:
    _set(shop, "A", 2)
    stock.adjust_stock(shop(), Sku("A"), 5, warehouse=MAIN, actor="t", now=T0)
    assert desired(shop)[("allegro", "A")] == 7


def _import(uow: Uow, text: str) -> stock.ImportSummary:
    return stock.import_stock(uow(), text, source="file:s.csv", actor="t", now=T0)


def test_import_sets_counted_rows_and_leaves_missing_skus_unchanged(shop: Uow) -> None:
    _set(shop, "C", 4)
    summary = _import(shop, "sku,warehouse,on_hand\nA,main,10\nB,,3\n")
    assert (summary.rows, summary.applied, summary.already_applied) == (2, 2, 0)
    assert _on_hand(shop) == {("A", "main"): 10, ("B", "main"): 3, ("C", "main"): 4}
    assert desired(shop)[("shop", "B")] == 3


def test_importing_the_same_file_twice_changes_nothing(shop: Uow) -> None:
    text = "sku,warehouse,on_hand\nA,main,10\n"
    _import(shop, text)
    stock.adjust_stock(shop(), Sku("A"), -1, warehouse=MAIN, actor="t", now=T0)  # a sale
    again = _import(shop, text)
    assert (again.applied, again.already_applied) == (0, 1)
    assert _on_hand(shop) == {("A", "main"): 9}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 1, None),  # empty file would look like "everything is 0"
        ("sku,warehouse,on_hand\n", 1, None),  # header only
        ("sku,warehouse,on_hand\nA,main,5\nNOPE,main,1\n", 3, "sku"),  # unknown SKU
        ("sku,warehouse,on_hand\nA,main,5\nB,main,x\n", 3, "on_hand"),  # not a number
        ("sku,warehouse,on_hand\nA,main,5\nB,main,-1\n", 3, "on_hand"),  # negative
        ("sku,warehouse,on_hand\nA,main,5\nB,attic,1\n", 3, "warehouse"),  # unknown warehouse
        ("sku,warehouse,on_hand\nA,main,5\nA,main,6\n", 3, "sku"),  # duplicate row
        ("sku,qty\nA,5\n", 1, None),  # bad header
    ],
)
def test_bad_import_is_rejected_whole(shop: Uow, text: str, line: int, column: str | None) -> None:
    with pytest.raises(InvalidFile) as raised:
        _import(shop, text)
    assert raised.value.line == line
    if column:
        assert raised.value.column == column
    assert _on_hand(shop) == {}


def test_import_refuses_a_kit_row(shop: Uow) -> None:
    from omnistock.service import catalog

    catalog.import_products(shop(), "sku,name,ean,vat,price\nKIT,Zestaw,,23,30.00\n", now=T0)
    catalog.set_bundle(shop(), Sku("KIT"), {Sku("A"): 1}, now=T0)
    with pytest.raises(InvalidFile) as raised:
        _import(shop, "sku,warehouse,on_hand\nA,main,5\n\nKIT,main,1\n")
    assert (raised.value.line, raised.value.column) == (4, "sku")


def test_two_connections_importing_the_same_file_apply_it_once(shop: Uow) -> None:
    text = "sku,warehouse,on_hand\nA,main,10\nB,main,4\n"
    summaries: list[stock.ImportSummary] = []
    assert race(lambda: summaries.append(_import(shop, text))) == []
    assert sorted(s.applied for s in summaries) == [0, 2]
    assert _on_hand(shop) == {("A", "main"): 10, ("B", "main"): 4}


def test_show_stock_gives_every_number(shop: Uow) -> None:
    stock.add_warehouse(shop(), WarehouseId("sklep"))
    _set(shop, "A", 6)
    stock.set_stock(shop(), Sku("A"), 4, warehouse=WarehouseId("sklep"), actor="t", now=T0)
    view = stock.show_stock(shop(), Sku("A")).to_dict()
    assert view == {
        "sku": "A",
        "on_hand": 10,
        "reserved": 0,
        "available": 10,
        "buffer": 0,
        "paused": False,
        "allocation": {"allegro": 10, "shop": 10},
    }
    with pytest.raises(UnknownSku):
        stock.show_stock(shop(), Sku("NOPE"))


def test_listing_observed_at_and_version_follow_desired_changes(shop: Uow) -> None:
    from sqlalchemy import select

    from omnistock.store.tables import listings

    def version() -> tuple[int, object]:
        with shop() as u:
            query = select(listings.c.version, listings.c.observed_at).where(
                listings.c.offer_id == "allegro-A"
            )
            row = u.connection.execute(query).one()
        return row.version, row.observed_at

    start, _ = version()
    later = T0 + timedelta(minutes=5)
    stock.set_stock(shop(), Sku("A"), 3, warehouse=MAIN, actor="t", now=later)
    bumped, seen = version()
    assert bumped == start + 1
    assert seen is not None
    stock.set_stock(shop(), Sku("B"), 3, warehouse=MAIN, actor="t", now=later)  # other SKU
    assert version()[0] == bumped
