"""Stock files: ``sku,warehouse,on_hand`` rows counted in a warehouse, validated whole."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from omnistock.domain.csvfile import read_csv
from omnistock.domain.errors import InvalidFile
from omnistock.domain.ids import DEFAULT_WAREHOUSE, Sku, WarehouseId

__all__ = ["STOCK_COLUMNS", "StockRow", "parse_count", "parse_sku", "parse_stock_csv"]

STOCK_COLUMNS = ("sku", "warehouse", "on_hand")


@dataclass(frozen=True, slots=True, kw_only=True)
class StockRow:
    """One counted on-hand quantity of a SKU in a warehouse."""

    sku: Sku
    warehouse: WarehouseId
    on_hand: int


def parse_stock_csv(text: str, *, warehouses: Collection[WarehouseId]) -> list[StockRow]:
    """Every row of a stock file, or ``InvalidFile`` (line, column) for the first bad cell.

    Rejected whole: bad header, non-integer or negative ``on_hand``, unknown warehouse,
    duplicate (sku, warehouse), empty or header-only file. An empty ``warehouse`` cell means
    the default warehouse. SKUs absent from the file are simply not in the result.
    """
    result: list[StockRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in read_csv(text, required=STOCK_COLUMNS):
        sku = parse_sku(row.cells["sku"], line=row.line)
        warehouse = WarehouseId(row.cells["warehouse"] or DEFAULT_WAREHOUSE)
        if warehouse not in warehouses:
            raise InvalidFile(f"unknown warehouse {warehouse!r}", line=row.line, column="warehouse")
        on_hand = parse_count(row.cells["on_hand"], line=row.line, column="on_hand")
        key = (sku, warehouse)
        if key in first_line:
            raise InvalidFile(
                f"duplicate row for {sku} in {warehouse} (first on line {first_line[key]})",
                line=row.line,
                column="sku",
            )
        first_line[key] = row.line
        result.append(StockRow(sku=sku, warehouse=warehouse, on_hand=on_hand))
    return result


def parse_sku(text: str, *, line: int) -> Sku:
    """A SKU cell: not empty, at most 64 characters."""
    if not text:
        raise InvalidFile("SKU must not be empty", line=line, column="sku")
    if len(text) > 64:
        raise InvalidFile("SKU longer than 64 characters", line=line, column="sku")
    return Sku(text)


def parse_count(text: str, *, line: int, column: str) -> int:
    """A whole, non-negative number of units (``12``; not ``12.0``, ``1e3`` or ``-1``)."""
    digits = text.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidFile(f"{text!r} is not a whole number", line=line, column=column)
    value = int(text)
    if value < 0:
        raise InvalidFile(f"{value} is negative", line=line, column=column)
    return value
