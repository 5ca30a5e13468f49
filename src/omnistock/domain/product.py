"""Products: SKU, name, GTIN/EAN, VAT rate code, unit and gross price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku

__all__ = ["Product", "VatRate", "gtin_is_valid"]


class VatRate(StrEnum):
    """VAT rate codes as FA(3) writes them in ``P_12``."""

    R23 = "23"
    R22 = "22"
    R8 = "8"
    R7 = "7"
    R5 = "5"
    R4 = "4"
    R3 = "3"
    R0_KR = "0 KR"
    R0_WDT = "0 WDT"
    R0_EX = "0 EX"
    ZW = "zw"
    OO = "oo"
    NP_I = "np I"
    NP_II = "np II"

    @classmethod
    def parse(cls, text: str, *, field: str = "vat") -> VatRate:
        """Read a rate as sellers write it: ``23``, ``23%``, ``0`` (domestic), ``zw``, ``np``."""
        cleaned = text.strip().removesuffix("%").strip()
        aliases = {"0": cls.R0_KR, "np": cls.NP_I, "ZW": cls.ZW, "NP": cls.NP_I}
        if cleaned in aliases:
            return aliases[cleaned]
        for rate in cls:
            if rate.value.lower() == cleaned.lower():
                return rate
        allowed = ", ".join(r.value for r in cls)
        raise InvalidValue(f"unknown VAT rate {text!r} (allowed: {allowed})", field=field)


def gtin_is_valid(code: str) -> bool:
    """True for a GTIN-8/12/13/14 (EAN-8, UPC-A, EAN-13, ITF-14) with a correct check digit."""
    if not (code.isascii() and code.isdigit()) or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    weighted = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - weighted % 10) % 10 == check


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A product the seller sells; ``group`` selects a product-group policy."""

    sku: Sku
    name: str
    ean: str | None = None
    vat: VatRate = VatRate.R23
    unit: str = "szt."
    price_gross: Decimal = Decimal("0.00")
    group: str | None = None

    def __post_init__(self) -> None:
        if not self.sku.strip():
            raise InvalidValue("SKU must not be empty", field="sku")
        if len(self.sku) > 64:
            raise InvalidValue("SKU longer than 64 characters", field="sku")
        if not self.name.strip():
            raise InvalidValue("name must not be empty", field="name")
        if self.ean is not None and not gtin_is_valid(self.ean):
            raise InvalidValue(f"{self.ean!r} is not a valid GTIN/EAN (check digit)", field="ean")
        if self.price_gross < 0:
            raise InvalidValue("price must not be negative", field="price")
        if self.price_gross != self.price_gross.quantize(Decimal("0.01")):
            raise InvalidValue("price has more than 2 decimal places", field="price")
