"""What the client hands back: accepted invoices (KSeF number, UPO) and per-invoice outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from omnistock.invoicing.ksef.errors import InvoiceRejected

__all__ = ["Accepted", "BatchReport", "Outcome"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Accepted:
    """An invoice KSeF accepted; store ``ksef_number``, ``upo`` and the hash with the invoice.

    ``already_submitted`` means KSeF answered 440 for a document with exactly our SHA-256: an
    earlier attempt (e.g. before a crash) was accepted, and this is that attempt's number.
    """

    ksef_number: str
    invoice_number: str | None
    invoice_hash: str
    session_reference: str
    invoice_reference: str
    acquired_at: datetime | None
    upo: bytes | None
    already_submitted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One invoice of a multi-invoice send: ``accepted`` or ``error``, keyed by its hash."""

    name: str
    invoice_hash: str
    accepted: Accepted | None = None
    error: InvoiceRejected | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchReport:
    """A finished session: an outcome per sent invoice (input order) and the collective UPO."""

    session_reference: str
    outcomes: tuple[Outcome, ...]
    upo_pages: tuple[bytes, ...]

    @property
    def accepted(self) -> tuple[Accepted, ...]:
        """The accepted invoices."""
        return tuple(o.accepted for o in self.outcomes if o.accepted is not None)

    @property
    def rejected(self) -> tuple[InvoiceRejected, ...]:
        """The rejections."""
        return tuple(o.error for o in self.outcomes if o.error is not None)
