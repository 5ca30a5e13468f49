"""Product values: GTIN check digits and VAT rate codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.product import Product, VatRate, gtin_is_valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("5901234123457", True),  # EAN-13 (GS1 Poland prefix 590)
        ("5901234123458", False),  # EAN-13, wrong check digit
        ("96385074", True),  # EAN-8
        ("96385075", False),  # EAN-8, wrong check digit
        ("036000291452", True),  # UPC-A
        ("10012345678902", True),  # GTIN-14 / ITF-14
        ("590123412345", False),  # 12 digits but not a valid UPC-A
        ("59012341234", False),  # 11 digits: no such GTIN length
        ("590123412345X", False),  # not digits
        ("", False),  # empty
        ("５９０１２３４１２３４５７", False),  # full-width digits are not ASCII digits
    ],
)
def test_gtin_is_valid(code: str, valid: bool) -> None:
    assert gtin_is_valid(code) is valid


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("23", VatRate.R23),  # plain
        ("23%", VatRate.R23),  # with a percent sign
        (" 8 % ", VatRate.R8),  # spaces
        ("5", VatRate.R5),
        ("0", VatRate.R0_KR),  # domestic 0 %
        ("zw", VatRate.ZW),  # exempt
        ("ZW", VatRate.ZW),
        ("np", VatRate.NP_I),  # not taxable in Poland
        ("np II", VatRate.NP_II),
        ("0 WDT", VatRate.R0_WDT),
    ],
)
def test_vat_parse(text: str, rate: VatRate) -> None:
    assert VatRate.parse(text) is rate


@pytest.mark.parametrize("text", ["17", "", "23.5", "vat"])
def test_vat_parse_rejects_unknown(text: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        VatRate.parse(text)
    assert exc.value.field == "vat"


def test_product_rejects_bad_ean() -> None:
    with pytest.raises(InvalidValue) as exc:
        Product(sku="A", name="Kubek", ean="5901234123458", price_gross=Decimal("1.00"))  # type: ignore[arg-type]
    assert exc.value.field == "ean"
