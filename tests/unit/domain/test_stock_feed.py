"""Stock CSV files: good files parse; every bad file is rejected whole with line and column."""

from __future__ import annotations

import pytest

from omnistock.domain.errors import InvalidFile
from omnistock.domain.ids import Sku, WarehouseId
from omnistock.domain.stock_feed import StockRow, parse_stock_csv

WAREHOUSES = {WarehouseId("main"), WarehouseId("outlet")}


def row(sku: str, warehouse: str, on_hand: int) -> StockRow:
    return StockRow(sku=Sku(sku), warehouse=WarehouseId(warehouse), on_hand=on_hand)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the plain case
        ("sku,warehouse,on_hand\nA,main,3\n", [row("A", "main", 3)]),
        # columns in another order, spaces and case in the header, CRLF line ends
        ("On_Hand, SKU ,warehouse\r\n4,A,outlet\r\n", [row("A", "outlet", 4)]),
        # semicolons (spreadsheet export), BOM, a blank line, empty warehouse = main
        (
            "\ufeffsku;warehouse;on_hand\n\nA;;0\nB;outlet;12\n",
            [row("A", "main", 0), row("B", "outlet", 12)],
        ),
        # the same SKU in two warehouses is fine
        (
            "sku,warehouse,on_hand\nA,main,1\nA,outlet,2\n",
            [row("A", "main", 1), row("A", "outlet", 2)],
        ),
        # quoted cells
        ('sku,warehouse,on_hand\n"A,1",main,5\n', [row("A,1", "main", 5)]),
    ],
)
def test_parse_good_files(text: str, expected: list[StockRow]) -> None:
    assert parse_stock_csv(text, warehouses=WAREHOUSES) == expected


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        # empty file: would look like "everything is 0"
        ("", 1, None, "empty"),
        # only whitespace
        ("  \n\n", 1, None, "empty"),
        # header only
        ("sku,warehouse,on_hand\n", 1, None, "no rows"),
        # misspelt column
        ("sku,warehouse,qty\nA,main,1\n", 1, "qty", "unexpected column"),
        # missing column
        ("sku,on_hand\nA,1\n", 1, "warehouse", "missing"),
        # a column twice
        ("sku,warehouse,on_hand,sku\nA,main,1,A\n", 1, "sku", "twice"),
        # non-integer quantity
        ("sku,warehouse,on_hand\nA,main,1\nB,main,2.5\n", 3, "on_hand", "not a whole number"),
        # words instead of a number
        ("sku,warehouse,on_hand\nA,main,dużo\n", 2, "on_hand", "not a whole number"),
        # negative quantity
        ("sku,warehouse,on_hand\nA,main,-1\n", 2, "on_hand", "negative"),
        # unknown warehouse
        ("sku,warehouse,on_hand\nA,main,1\nA,attic,1\n", 3, "warehouse", "unknown warehouse"),
        # duplicate (sku, warehouse): which one would win?
        ("sku,warehouse,on_hand\nA,main,1\nB,main,1\nA,main,2\n", 4, "sku", "duplicate"),
        # empty SKU
        ("sku,warehouse,on_hand\n,main,1\n", 2, "sku", "empty"),
        # a short row names the first missing column
        ("sku,warehouse,on_hand\nA,main\n", 2, "on_hand", "cells"),
        # a blank line before a bad row still counts in the line number
        ("sku,warehouse,on_hand\nA,main,1\n\nB,main,x\n", 4, "on_hand", "not a whole number"),
    ],
)
def test_bad_files_are_rejected_with_line_and_column(
    text: str, line: int, column: str | None, words: str
) -> None:
    with pytest.raises(InvalidFile) as exc:
        parse_stock_csv(text, warehouses=WAREHOUSES)
    assert (exc.value.line, exc.value.column) == (line, column)
    message = str(exc.value)
    assert f"line {line}" in message
    if column is not None:
        assert f"column '{column}'" in message
    assert words in message
