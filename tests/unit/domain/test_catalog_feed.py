"""Product CSV files: good files parse; bad ones are rejected whole with line and column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from omnistock.domain.catalog_feed import parse_product_csv
from omnistock.domain.errors import InvalidFile
from omnistock.domain.product import Product, VatRate

HEADER = "sku,name,ean,vat,price\n"


def test_parse_all_columns() -> None:
    text = (
        "sku;name;ean;vat;price;unit;group;colour\n"
        "MUG-1;Kubek „Kraków”;5901234123457;23%;12,99;szt.;kuchnia;red\n"
        "TEA-1;Herbata;;5;8.50;;;\n"
    )
    assert parse_product_csv(text) == [
        Product(
            sku="MUG-1",  # type: ignore[arg-type]
            name="Kubek „Kraków”",
            ean="5901234123457",
            vat=VatRate.R23,
            unit="szt.",
            price_gross=Decimal("12.99"),
            group="kuchnia",
        ),
        Product(sku="TEA-1", name="Herbata", vat=VatRate.R5, price_gross=Decimal("8.50")),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        # empty file
        ("", 1, None, "empty"),
        # header only
        (HEADER, 1, None, "no rows"),
        # a required column missing
        ("sku,name,vat,price\nA,B,23,1\n", 1, "ean", "missing"),
        # bad EAN check digit
        (HEADER + "A,Kubek,5901234123458,23,1.00\n", 2, "ean", "check digit"),
        # unknown VAT rate
        (HEADER + "A,Kubek,,17,1.00\n", 2, "vat", "unknown VAT rate"),
        # price not a number
        (HEADER + "A,Kubek,,23,tanio\n", 2, "price", "not a price"),
        # negative price
        (HEADER + "A,Kubek,,23,-1\n", 2, "price", "negative"),
        # price with three decimals
        (HEADER + "A,Kubek,,23,1.999\n", 2, "price", "decimal places"),
        # empty name
        (HEADER + "A,,,23,1\n", 2, "name", "empty"),
        # duplicate SKU
        (HEADER + "A,Kubek,,23,1\nB,Talerz,,23,2\nA,Kubek 2,,23,1\n", 4, "sku", "duplicate"),
    ],
)
def test_bad_product_files(text: str, line: int, column: str | None, words: str) -> None:
    with pytest.raises(InvalidFile) as exc:
        parse_product_csv(text)
    assert (exc.value.line, exc.value.column) == (line, column)
    assert f"line {line}" in str(exc.value)
    assert words in str(exc.value)
