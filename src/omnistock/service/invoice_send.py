"""Sending issued invoices to KSeF and recording what came back (R8: state before, result after).

Before each call the invoice is marked ``sent`` and committed; the exact stored bytes are sent.
A crash in between is repaired by sending the same bytes again: KSeF answers 440 and the client
resolves it to the original KSeF number (``already_submitted``) — one invoice, one number.
A rejection keeps the invoice and its number (``rejected`` + incident); ``KsefUnavailable``
switches to offline mode (``offline-pending`` with the legal deadline; resent later with
``offline_mode``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.invoicing.offline import OfflineMode, submission_deadline
from omnistock.invoicing.ksef import (
    Accepted,
    InvoiceRejected,
    KsefError,
    KsefRetryable,
    KsefUnavailable,
)
from omnistock.store.invoice_repository import InvoiceStatus, InvoiceUnitOfWork, StoredInvoice

__all__ = ["IncidentSink", "KsefPort", "SendSummary", "send_pending"]

TO_SEND = (InvoiceStatus.ISSUED, InvoiceStatus.OFFLINE_PENDING, InvoiceStatus.SENT)


class KsefPort(Protocol):
    def submit(self, xml: bytes, *, offline_mode: bool = False) -> Accepted: ...


class IncidentSink(Protocol):
    def record(self, occurrences: list[Occurrence], *, now: datetime) -> object: ...


@dataclass
class SendSummary:
    """Invoice numbers by what happened to them in one ``send_pending`` run."""

    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"accepted": self.accepted, "rejected": self.rejected,
                "offline": self.offline, "deferred": self.deferred}  # fmt: skip


def occurrence(subject: str, detail: str, severity: Severity = Severity.ERROR) -> Occurrence:
    """An invoicing incident (ids and codes only, no personal data)."""
    return Occurrence(
        kind=IncidentKind.INVOICE_REJECTED, severity=severity, subject=subject, detail=detail
    )


def _accepted(invoice: StoredInvoice, accepted: Accepted) -> dict[str, object]:
    return {
        "status": InvoiceStatus.ACCEPTED.value,
        "ksef_number": accepted.ksef_number,
        "ksef_acquired_at": accepted.acquired_at,
        "ksef_session": accepted.session_reference[:100],
        "upo": accepted.upo,
        "error": None,
    }


def _offline(invoice: StoredInvoice, exc: KsefError) -> dict[str, object]:
    assert invoice.issue_date is not None
    deadline = invoice.offline_deadline or submission_deadline(
        OfflineMode.OFFLINE24, issued_on=invoice.issue_date
    )
    return {"status": InvoiceStatus.OFFLINE_PENDING.value, "offline_deadline": deadline,
            "error": f"KSeF unavailable: {exc}"}  # fmt: skip


Result = tuple[str, dict[str, object], KsefError | None]


def _submit(ksef: KsefPort, invoice: StoredInvoice) -> Result:
    """``(outcome, column values, error)`` of sending one invoice."""
    assert invoice.xml is not None
    try:
        accepted = ksef.submit(invoice.xml, offline_mode=invoice.offline_deadline is not None)
    except InvoiceRejected as exc:
        values: dict[str, object] = {
            "status": InvoiceStatus.REJECTED.value,
            "error": f"KSeF {exc.code}: {exc}",
        }
        return "rejected", values, exc
    except KsefUnavailable as exc:
        return "offline", _offline(invoice, exc), None
    except KsefRetryable as exc:
        return "deferred", {"error": f"retry later: {exc}"}, None
    except KsefError as exc:
        failed: dict[str, object] = {"status": InvoiceStatus.ISSUED.value, "error": f"KSeF: {exc}"}
        return "failed", failed, exc
    return "accepted", _accepted(invoice, accepted), None


def send_pending(
    uow: InvoiceUnitOfWork,
    ksef: KsefPort,
    now: datetime,
    *,
    incidents: IncidentSink,
    limit: int = 100,
) -> SendSummary:
    """Send every issued, offline-pending or unconfirmed invoice, oldest first.

    Stops at the first sign that KSeF is down, throttling or refusing us (the rest stay queued).
    """
    summary = SendSummary()
    with uow:
        queue = uow.invoices.listing(TO_SEND, limit)
    for invoice in queue:
        with uow:
            uow.invoices.change(invoice.id, {"status": InvoiceStatus.SENT.value, "updated_at": now})
            uow.commit()
        outcome, values, error = _submit(ksef, invoice)
        with uow:
            uow.invoices.change(invoice.id, {**values, "updated_at": now})
            uow.commit()
        number = invoice.number or str(invoice.id)
        if error is not None:
            incidents.record([occurrence(f"invoice {number}", str(values["error"]))], now=now)
        if outcome in ("accepted", "rejected"):
            getattr(summary, outcome).append(number)
            continue
        (summary.offline if outcome == "offline" else summary.deferred).append(number)
        break
    return summary
