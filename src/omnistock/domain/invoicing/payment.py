"""Payment data of an invoice and the split-payment rule (MPP, art. 108a ust. 1a)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.lines import InvoiceLine
from omnistock.domain.invoicing.text import optional_text

SPLIT_PAYMENT_THRESHOLD = Decimal("15000.00")
"""Split payment applies when the gross total in PLN *exceeds* this (the Act: "przekraczającą")."""


class PaymentForm(IntEnum):
    """FA(3) ``FormaPlatnosci``."""

    CASH = 1
    CARD = 2
    VOUCHER = 3
    CHEQUE = 4
    CREDIT = 5
    TRANSFER = 6
    MOBILE = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    """How and when the buyer pays: ``paid_on`` for a paid order, else ``due`` (and an account)."""

    form: PaymentForm | None = None
    paid_on: date | None = None
    due: date | None = None
    bank_account: str | None = None

    def __post_init__(self) -> None:
        account = optional_text(self.bank_account, field="payment.bank_account", limit=34)
        if account is not None:
            account = account.replace(" ", "")
            if len(account) < 10:
                raise InvalidValue("is too short", field="payment.bank_account")
        object.__setattr__(self, "bank_account", account)


def split_payment_required(
    *, gross_pln: Decimal, lines: Iterable[InvoiceLine], buyer_is_taxpayer: bool
) -> bool:
    """True when MPP (``P_18A=1``) is mandatory.

    All three must hold: the buyer is a taxpayer, at least one line is Annex-15 goods, and the
    gross total in PLN exceeds 15 000 PLN (exactly 15 000.00 does not).
    """
    if not buyer_is_taxpayer or gross_pln <= SPLIT_PAYMENT_THRESHOLD:
        return False
    return any(line.annex15 for line in lines)
