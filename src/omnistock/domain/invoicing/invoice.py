"""A VAT invoice: parties, lines, currency, payment — and its totals, computed per rate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.lines import InvoiceLine
from omnistock.domain.invoicing.money import PLN, ExchangeRate, parse_currency
from omnistock.domain.invoicing.parties import Buyer, Seller
from omnistock.domain.invoicing.payment import Payment, split_payment_required
from omnistock.domain.invoicing.text import optional_text, required_text
from omnistock.domain.invoicing.totals import Totals, compute_totals
from omnistock.domain.product import VatRate

MAX_LINES = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRef:
    """The order the invoice documents (FA(3) ``WarunkiTransakcji/Zamowienia``)."""

    number: str
    ordered_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", required_text(self.number, field="order.number"))


def check_lines(lines: tuple[InvoiceLine, ...], *, field: str, allow_zero: bool) -> None:
    """1 to 10 000 lines of one price basis; quantities positive unless ``allow_zero``."""
    if not lines:
        raise InvalidValue("an invoice needs at least one line", field=field)
    if len(lines) > MAX_LINES:
        raise InvalidValue(f"more than {MAX_LINES} lines", field=field)
    if len({line.is_gross for line in lines}) > 1:
        raise InvalidValue("mixes net and gross unit prices", field=field)
    for i, line in enumerate(lines):
        if line.quantity == 0 and not allow_zero:
            raise InvalidValue("must be positive", field=f"{field}[{i}].quantity")


def check_currency(currency: str, exchange: ExchangeRate | None) -> str:
    """The currency code; a foreign currency needs an exchange rate of the same currency."""
    code = parse_currency(currency)
    if code != PLN and exchange is None:
        raise InvalidValue(f"an invoice in {code} needs the NBP rate", field="exchange")
    if exchange is not None and exchange.currency != code:
        message = f"rate is for {exchange.currency}, invoice is in {code}"
        raise InvalidValue(message, field="exchange")
    return code


def check_exemption(lines: tuple[InvoiceLine, ...], basis: str | None) -> str | None:
    """The exemption basis, required when (and only kept when) a line is exempt (``zw``)."""
    if not any(line.vat is VatRate.ZW for line in lines):
        return None
    return required_text(basis, field="exemption_basis")


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """A VAT invoice (``RodzajFaktury=VAT``). ``totals`` is computed on creation.

    ``sale_date`` is written as ``P_6`` when it differs from ``issue_date``; ``to_receipt`` marks an
    invoice issued to a cash-register receipt (``FP=1``); ``exemption_basis`` is the legal basis
    of a ``zw`` (exempt) line, e.g. ``art. 43 ust. 1 pkt 37 ustawy o VAT`` (``P_19A``).
    """

    number: str
    issue_date: date
    seller: Seller
    buyer: Buyer
    lines: tuple[InvoiceLine, ...]
    sale_date: date | None = None
    currency: str = PLN
    exchange: ExchangeRate | None = None
    payment: Payment | None = None
    order: OrderRef | None = None
    place: str | None = None
    to_receipt: bool = False
    exemption_basis: str | None = None
    totals: Totals = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", required_text(self.number, field="number"))
        object.__setattr__(self, "place", optional_text(self.place, field="place"))
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "currency", check_currency(self.currency, self.exchange))
        check_lines(self.lines, field="lines", allow_zero=False)
        basis = check_exemption(self.lines, self.exemption_basis)
        object.__setattr__(self, "exemption_basis", basis)
        totals = compute_totals(self.lines, self.exchange)
        if totals.gross < 0:
            raise InvalidValue(f"total {totals.gross} is negative", field="total")
        object.__setattr__(self, "totals", totals)
        if self.split_payment and self._unpaid_without_account():
            raise InvalidValue("split payment needs a bank account", field="payment.bank_account")

    @property
    def gross_pln(self) -> Decimal:
        """The total due in PLN (converted at the invoice's rate for a foreign currency)."""
        gross = self.totals.gross
        return self.exchange.to_pln(gross) if self.exchange else gross

    @property
    def split_payment(self) -> bool:
        """True when the split-payment mechanism is mandatory for this invoice."""
        return split_payment_required(
            gross_pln=self.gross_pln, lines=self.lines, buyer_is_taxpayer=self.buyer.is_taxpayer
        )

    def _unpaid_without_account(self) -> bool:
        payment = self.payment
        return payment is None or (payment.paid_on is None and payment.bank_account is None)
