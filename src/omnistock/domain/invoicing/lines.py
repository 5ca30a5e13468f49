"""Invoice lines (goods, services, delivery cost) with a net unit price and a VAT rate code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.money import check_decimals, round_grosz
from omnistock.domain.invoicing.text import optional_text, required_text
from omnistock.domain.product import VatRate, gtin_is_valid


def parse_vat_rate(code: VatRate | str, *, field: str = "line.vat") -> VatRate:
    """A :class:`VatRate` from a code (``'23'``, ``'0 KR'``, ``'zw'``); else ``InvalidValue``."""
    return code if isinstance(code, VatRate) else VatRate.parse(code, field=field)


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """One line: ``quantity`` × ``net_price`` (≤ 6 and ≤ 8 decimals) at ``vat``.

    ``net`` is rounded half-up to the grosz. A negative ``net_price`` is a discount line; the
    invoice total is checked by the invoice. ``annex15`` marks goods of Annex 15 to the VAT Act
    (split payment). ``quantity`` may be 0 only in a correction's "after" state.
    """

    name: str
    quantity: Decimal
    net_price: Decimal
    vat: VatRate
    unit: str = "szt."
    gtin: str | None = None
    sku: str | None = None
    annex15: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", required_text(self.name, field="line.name", limit=512))
        object.__setattr__(self, "unit", required_text(self.unit, field="line.unit"))
        object.__setattr__(self, "sku", optional_text(self.sku, field="line.sku", limit=50))
        object.__setattr__(self, "vat", parse_vat_rate(self.vat))
        check_decimals(self.quantity, 6, field="line.quantity")
        check_decimals(self.net_price, 8, field="line.net_price")
        if self.quantity < 0:
            raise InvalidValue("must not be negative", field="line.quantity")
        if self.gtin is not None and not gtin_is_valid(self.gtin):
            message = f"{self.gtin!r} is not a valid GTIN (check digit)"
            raise InvalidValue(message, field="line.gtin")

    @property
    def net(self) -> Decimal:
        """Net value of the line (FA(3) ``P_11``), rounded half-up to the grosz."""
        return round_grosz(self.quantity * self.net_price)


def delivery_line(
    *, net_price: Decimal, vat: VatRate, name: str = "Koszt dostawy", unit: str = "usł."
) -> InvoiceLine:
    """The delivery cost as an ordinary invoice line (quantity 1)."""
    return InvoiceLine(name=name, quantity=Decimal(1), net_price=net_price, vat=vat, unit=unit)
