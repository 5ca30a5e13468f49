"""Money on invoices: rounding half-up to the grosz, currencies and NBP exchange rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from omnistock.domain.errors import InvalidValue

GROSZ = Decimal("0.01")
PLN = "PLN"


def round_grosz(amount: Decimal) -> Decimal:
    """Round to the full grosz, half up (away from zero on .5), as the VAT Act requires.

    >>> [str(round_grosz(Decimal(x))) for x in ("0.069", "-0.005", "0.0649")]
    ['0.07', '-0.01', '0.06']
    """
    return amount.quantize(GROSZ, rounding=ROUND_HALF_UP)


def decimals(value: Decimal) -> int:
    """Number of fraction digits ``value`` is written with (``Decimal('1.50')`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_decimals(value: Decimal, places: int, *, field: str) -> Decimal:
    """``value`` if finite with at most ``places`` fraction digits (trailing zeros ignored)."""
    if not value.is_finite():
        raise InvalidValue("must be a finite number", field=field)
    if decimals(value.normalize()) > places:
        raise InvalidValue(f"has more than {places} decimal places", field=field)
    return value


def parse_currency(code: str, *, field: str = "currency") -> str:
    """An ISO 4217 code in upper case (``'eur'`` → ``'EUR'``)."""
    cleaned = code.strip().upper()
    if len(cleaned) != 3 or not cleaned.isascii() or not cleaned.isalpha():
        raise InvalidValue(f"{code!r} is not an ISO 4217 currency code", field=field)
    return cleaned


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeRate:
    """An NBP average rate: 1 ``currency`` = ``rate`` PLN, from table ``table`` of ``effective``.

    The caller picks the rate (the last working day before the tax point, art. 31a); where it
    comes from (NBP API, a local table) is an adapter's business, not the domain's.
    """

    currency: str
    rate: Decimal
    effective: date
    table: str | None = None

    def __post_init__(self) -> None:
        currency = parse_currency(self.currency, field="exchange.currency")
        object.__setattr__(self, "currency", currency)
        if currency == PLN:
            raise InvalidValue("must be a foreign currency", field="exchange.currency")
        check_decimals(self.rate, 6, field="exchange.rate")
        if self.rate <= 0:
            raise InvalidValue("must be positive", field="exchange.rate")

    def to_pln(self, amount: Decimal) -> Decimal:
        """``amount`` in PLN, rounded half-up to the grosz."""
        return round_grosz(amount * self.rate)
