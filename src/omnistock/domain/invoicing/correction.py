"""Corrections (``RodzajFaktury=KOR``) as before/after states, including corrections of corrections.

A correction carries the full "before" lines (the corrected document's current state) and the
"after" lines in the same positions (a returned item stays with quantity 0). Its totals are the
per-rate differences ``after − before``, each side computed per rate as on a normal invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.invoice import (
    Invoice,
    check_currency,
    check_exemption,
    check_lines,
)
from omnistock.domain.invoicing.ksef_number import parse_ksef_number
from omnistock.domain.invoicing.lines import InvoiceLine
from omnistock.domain.invoicing.money import ExchangeRate
from omnistock.domain.invoicing.parties import Buyer, Seller
from omnistock.domain.invoicing.payment import Payment
from omnistock.domain.invoicing.text import required_text
from omnistock.domain.invoicing.totals import Totals, compute_totals, difference


class CorrectionType(IntEnum):
    """FA(3) ``TypKorekty``: when the correction takes effect for tax purposes."""

    ORIGINAL_DATE = 1
    CORRECTION_DATE = 2
    OTHER_DATE = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceRef:
    """The corrected document: number, issue date, KSeF number (``None``: issued outside KSeF)."""

    number: str
    issue_date: date
    ksef_number: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", required_text(self.number, field="corrected.number"))
        if self.ksef_number is not None:
            number = parse_ksef_number(self.ksef_number, field="corrected.ksef_number")
            object.__setattr__(self, "ksef_number", number)


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """A correcting invoice. ``totals`` holds the differences (``P_13_x``/``P_14_x``/``P_15``)."""

    number: str
    issue_date: date
    seller: Seller
    buyer: Buyer
    corrected: InvoiceRef
    reason: str
    kind: CorrectionType
    before: tuple[InvoiceLine, ...]
    after: tuple[InvoiceLine, ...]
    currency: str
    exchange: ExchangeRate | None = None
    payment: Payment | None = None
    exemption_basis: str | None = None
    totals: Totals = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", required_text(self.number, field="number"))
        object.__setattr__(self, "reason", required_text(self.reason, field="reason"))
        object.__setattr__(self, "currency", check_currency(self.currency, self.exchange))
        if self.number == self.corrected.number:
            raise InvalidValue("a correction needs its own number", field="number")
        if self.issue_date < self.corrected.issue_date:
            raise InvalidValue("is before the corrected invoice's date", field="issue_date")
        check_lines(self.before, field="before", allow_zero=True)
        check_lines(self.after, field="after", allow_zero=True)
        basis = check_exemption(self.before + self.after, self.exemption_basis)
        object.__setattr__(self, "exemption_basis", basis)
        if len(self.after) < len(self.before):
            raise InvalidValue("keep every line; a removed item has quantity 0", field="after")
        after = compute_totals(self.after, self.exchange)
        before = compute_totals(self.before, self.exchange)
        object.__setattr__(self, "totals", difference(after, before))


def correct(
    document: Invoice | Correction,
    *,
    number: str,
    issue_date: date,
    reason: str,
    after: tuple[InvoiceLine, ...],
    ksef_number: str | None,
    kind: CorrectionType = CorrectionType.CORRECTION_DATE,
) -> Correction:
    """Correct ``document`` (an invoice or an earlier correction) to the ``after`` lines.

    ``ksef_number`` is the KSeF number of ``document``; ``None`` if it was issued outside KSeF.
    """
    before = document.lines if isinstance(document, Invoice) else document.after
    return Correction(
        number=number,
        issue_date=issue_date,
        seller=document.seller,
        buyer=document.buyer,
        corrected=InvoiceRef(
            number=document.number, issue_date=document.issue_date, ksef_number=ksef_number
        ),
        reason=reason,
        kind=kind,
        before=before,
        after=tuple(after),
        currency=document.currency,
        exchange=document.exchange,
        payment=document.payment,
        exemption_basis=document.exemption_basis,
    )
