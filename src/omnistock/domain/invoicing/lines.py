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
    """One line: ``quantity`` (≤ 6 decimals) × a unit price (≤ 8 decimals) at rate ``vat``.

    Give exactly one of ``net_price`` (FA(3) ``P_9A``/``P_11``, the default way) or
    ``gross_price`` (``P_9B``/``P_11A``, art. 106e ust. 7–8, typical for consumer shops); one
    invoice uses one basis. ``value`` is rounded half-up to the grosz; VAT is never computed per
    line. A negative price is a discount line (the invoice checks its total). ``annex15`` marks
    goods of Annex 15 to the VAT Act (split payment). ``quantity`` may be 0 only in a
    correction's "after" state.
    """

    name: str
    quantity: Decimal
    vat: VatRate
    net_price: Decimal | None = None
    gross_price: Decimal | None = None
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
        if (self.net_price is None) == (self.gross_price is None):
            raise InvalidValue("give either a net or a gross unit price", field="line.net_price")
        check_decimals(self.unit_price, 8, field=f"line.{self.basis}_price")
        if self.quantity < 0:
            raise InvalidValue("must not be negative", field="line.quantity")
        if self.gtin is not None and not gtin_is_valid(self.gtin):
            message = f"{self.gtin!r} is not a valid GTIN (check digit)"
            raise InvalidValue(message, field="line.gtin")

    @property
    def is_gross(self) -> bool:
        """True when the line is priced gross (``P_9B``/``P_11A``)."""
        return self.gross_price is not None

    @property
    def basis(self) -> str:
        """``'net'`` or ``'gross'``."""
        return "gross" if self.is_gross else "net"

    @property
    def unit_price(self) -> Decimal:
        """The unit price as given (net or gross, see :attr:`basis`)."""
        price = self.gross_price if self.gross_price is not None else self.net_price
        assert price is not None  # one of the two is set, checked on creation
        return price

    @property
    def value(self) -> Decimal:
        """``quantity × unit_price`` rounded half-up: ``P_11`` (net) or ``P_11A`` (gross)."""
        return round_grosz(self.quantity * self.unit_price)


def delivery_line(
    *,
    vat: VatRate,
    net_price: Decimal | None = None,
    gross_price: Decimal | None = None,
    name: str = "Koszt dostawy",
    unit: str = "usł.",
) -> InvoiceLine:
    """The delivery cost as an ordinary invoice line (quantity 1), priced net or gross."""
    return InvoiceLine(
        name=name,
        quantity=Decimal(1),
        net_price=net_price,
        gross_price=gross_price,
        vat=vat,
        unit=unit,
    )
