"""Sending issued invoices to KSeF and recording what came back (R8: state before, result after).

Invoices go in groups through the ``KsefPort`` (``service.invoice_ports``; ``KsefClient`` sends up
to ``online_max`` in one online session, more in a batch session — KSeF allows 180 online
invoices/h). Before the call the group is marked
``sent`` and committed; the exact stored bytes are sent.
A crash in between is repaired by sending the same bytes again: KSeF answers 440 and the client
resolves it to the original KSeF number (``already_submitted``) — one invoice, one number.
A rejection keeps the invoice and its number (``rejected`` + incident); ``KsefUnavailable``
switches to offline mode (``offline-pending`` with the legal deadline; resent later with
``offline_mode``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.invoicing.offline import OfflineMode, submission_deadline
from omnistock.invoicing.ksef import (
    Accepted,
    BatchReport,
    KsefError,
    KsefRetryable,
    KsefUnavailable,
    Outcome,
)
from omnistock.service.invoice_ports import IncidentSink, KsefPort
from omnistock.store.invoice_repository import InvoiceStatus, InvoiceUnitOfWork, StoredInvoice

__all__ = ["IncidentSink", "KsefPort", "SendSummary", "send_pending"]

TO_SEND = (InvoiceStatus.ISSUED, InvoiceStatus.OFFLINE_PENDING, InvoiceStatus.SENT)


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


def _accepted(accepted: Accepted, upo_pages: tuple[bytes, ...]) -> dict[str, object]:
    upo = accepted.upo or (upo_pages[0] if len(upo_pages) == 1 else b"\n".join(upo_pages))
    return {
        "status": InvoiceStatus.ACCEPTED.value,
        "ksef_number": accepted.ksef_number,
        "ksef_acquired_at": accepted.acquired_at,
        "ksef_session": accepted.session_reference[:100],
        "upo": upo or None,
        "error": None,
    }


def _offline(invoice: StoredInvoice, exc: KsefError) -> dict[str, object]:
    assert invoice.issue_date is not None
    deadline = invoice.offline_deadline or submission_deadline(
        OfflineMode.OFFLINE24, issued_on=invoice.issue_date
    )
    return {"status": InvoiceStatus.OFFLINE_PENDING.value, "offline_deadline": deadline,
            "error": f"KSeF unavailable: {exc}"}  # fmt: skip


def _outcome(outcome: Outcome, report: BatchReport) -> tuple[str, dict[str, object]]:
    if outcome.accepted is not None:
        return "accepted", _accepted(outcome.accepted, report.upo_pages)
    error = outcome.error
    message = f"KSeF {getattr(error, 'code', '?')}: {error}"
    return "rejected", {"status": InvoiceStatus.REJECTED.value, "error": message}


def _waiting(invoice: StoredInvoice) -> str:
    """The status an invoice that was not sent after all goes back to."""
    waiting = (
        InvoiceStatus.ISSUED if invoice.offline_deadline is None else InvoiceStatus.OFFLINE_PENDING
    )
    return waiting.value


Results = list[tuple[StoredInvoice, str, dict[str, object]]]


def _send_group(ksef: KsefPort, group: list[StoredInvoice], offline: bool) -> Results:
    """``(invoice, outcome, column values)`` for each invoice of one send."""
    files = [(f"{invoice.id}.xml", invoice.xml or b"") for invoice in group]
    try:
        report = ksef.send(files, offline_mode=offline)
    except KsefUnavailable as exc:
        return [(i, "offline", _offline(i, exc)) for i in group]
    except KsefRetryable as exc:
        return [(i, "deferred", {"status": _waiting(i), "error": f"retry later: {exc}"})
                for i in group]  # fmt: skip
    except KsefError as exc:
        failed: dict[str, object] = {"status": InvoiceStatus.ISSUED.value, "error": f"KSeF: {exc}"}
        return [(i, "failed", failed) for i in group]
    return [(i, *_outcome(o, report)) for i, o in zip(group, report.outcomes, strict=True)]


def _record(uow: InvoiceUnitOfWork, results: Results, now: datetime) -> None:
    with uow:
        for invoice, _, values in results:
            uow.invoices.change(invoice.id, {**values, "updated_at": now})
        uow.commit()


def send_pending(
    uow: InvoiceUnitOfWork,
    ksef: KsefPort,
    now: datetime,
    *,
    incidents: IncidentSink,
    limit: int = 10_000,
    stale_after: timedelta | None = None,
) -> SendSummary:
    """Send every issued, offline-pending or unconfirmed invoice, oldest first.

    Normal and offline-mode invoices go in separate sends. A rejection is recorded per invoice
    (status ``rejected`` + incident); when KSeF is down, throttling or refusing us, the rest of
    the queue waits for the next run.

    ``stale_after`` (workers): claim the invoices first — an invoice another sender marked
    ``sent`` less than ``stale_after`` ago is left to it, so two workers never send the same
    invoice at once; ``None`` (``invoice send``): resend ``sent`` ones at once (crash repair).
    """
    summary = SendSummary()
    with uow:
        queue = uow.invoices.listing(TO_SEND, limit)
    for offline in (True, False):
        group = [i for i in queue if (i.offline_deadline is not None) == offline]
        group = _claim(uow, group, now, stale_after)
        if not group:
            continue
        results = _send_group(ksef, group, offline)
        _record(uow, results, now)
        _summarise(summary, results, incidents, now)
        if any(outcome not in ("accepted", "rejected") for _, outcome, _ in results):
            break
    return summary


def _claim(
    uow: InvoiceUnitOfWork, group: list[StoredInvoice], now: datetime, stale_after: timedelta | None
) -> list[StoredInvoice]:
    """Mark ``group`` as ``sent`` and commit before anything leaves (what this sender may send)."""
    if not group:
        return group
    with uow:
        if stale_after is None:
            for invoice in group:
                uow.invoices.change(invoice.id, {"status": InvoiceStatus.SENT.value,
                                                 "updated_at": now})  # fmt: skip
            claimed = {invoice.id for invoice in group}
        else:
            ids = [invoice.id for invoice in group]
            claimed = uow.invoices.claim_for_send(ids, now=now, stale_before=now - stale_after)
        uow.commit()
    return [invoice for invoice in group if invoice.id in claimed]


def _summarise(
    summary: SendSummary, results: Results, incidents: IncidentSink, now: datetime
) -> None:
    problems = []
    for invoice, outcome, values in results:
        number = invoice.number or str(invoice.id)
        bucket = {"accepted": summary.accepted, "rejected": summary.rejected,
                  "offline": summary.offline}.get(outcome, summary.deferred)  # fmt: skip
        bucket.append(number)
        if outcome in ("rejected", "failed"):
            problems.append(occurrence(f"invoice {number}", str(values["error"])))
    if problems:
        incidents.record(problems, now=now)
