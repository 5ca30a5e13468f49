"""Use cases of invoices: issue for an order, correct, send to KSeF, list and show.

```python
stored = issue_for_order(InvoiceUnitOfWork(engine), order_id, now=now, config=config,
                         sealer=sealer, incidents=IncidentStore(engine))
kor = correct(InvoiceUnitOfWork(engine), stored.number, reason="Zwrot towaru", now=now,
              config=config)                       # lines_after=None: everything returned
send_pending(InvoiceUnitOfWork(engine), ksef_client, now, incidents=IncidentStore(engine))
```

The number is taken (``take_number``) in the same transaction that writes the invoice, after the
document was built and before it is rendered: bad input raises before the counter moves, and a
failure after taking it rolls the counter back with everything else. A failed issue leaves a
``draft`` row (error, no number) and an incident.

The XML is stored sealed (the repository seals it with the privacy keys: those of ``sealer`` for
``issue_for_order`` unless the unit of work has its own); ``sha256`` is the plain XML's hash, the
one KSeF gets. Issuing or correcting also seals any row left in clear from before sealing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from omnistock.domain.errors import Conflict, Duplicate, InvalidValue
from omnistock.domain.invoicing import (
    Correction,
    CorrectionType,
    Invoice,
    InvoiceLine,
    InvoiceRef,
)
from omnistock.domain.invoicing import correct as correct_document
from omnistock.domain.orders import OrderStatus, UnknownOrder
from omnistock.invoicing.fa3 import render
from omnistock.privacy.retention import invoice_retention_end
from omnistock.service.invoice_build import OrderFacts, build_invoice, check_eligible
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_documents import dump_document, load_document, read_parties
from omnistock.service.invoice_ports import IncidentSink, RateSource
from omnistock.service.invoice_send import SendSummary, occurrence, send_pending
from omnistock.service.order_privacy import PersonalSealer, PrivacySealer
from omnistock.store.invoice_repository import (
    LOOKUP_HASHES,
    InvoiceStatus,
    InvoiceUnitOfWork,
    StoredInvoice,
)

__all__ = [
    "SendSummary",
    "UnknownInvoice",
    "correct",
    "correct_closed_order",
    "find_invoice",
    "invoice_view",
    "issue_for_order",
    "list_invoices",
    "returned",
    "send_pending",
]

TAX_ZONE = ZoneInfo("Europe/Warsaw")


class UnknownInvoice(InvalidValue):
    """No stored invoice has this number."""


def local_day(now: datetime) -> date:
    """The Polish calendar day of ``now`` (``P_1`` is a Polish date)."""
    return now.astimezone(TAX_ZONE).date()


def _written(document: Invoice | Correction, kind: str, now: datetime) -> dict[str, Any]:
    xml = render(document, created_at=now)
    lines = document.lines if isinstance(document, Invoice) else document.after
    return {
        "kind": kind, "number": document.number, "status": InvoiceStatus.ISSUED.value,
        "issue_date": document.issue_date, "currency": document.currency,
        "gross": document.totals.gross, "lines": dump_document(lines, document.exchange),
        "xml": xml, "sha256": hashlib.sha256(xml).hexdigest(), "error": None,
        "seller_nip": document.seller.nip,
        "retention_until": invoice_retention_end(now).astimezone(UTC), "updated_at": now,
    }  # fmt: skip


def _facts(order_id: int, row: Any, has_nip: bool) -> OrderFacts:
    delivered = row.delivered_at or row.first_seen_at  # not delivered yet: the order date
    return OrderFacts(
        order_id=order_id,
        status=OrderStatus(row.status) if row.status else None,
        invoice_requested=bool(row.invoice_requested),
        has_nip=has_nip,
        delivered_on=delivered.date() if delivered else None,
    )


def issue_for_order(
    uow: InvoiceUnitOfWork,
    order_id: int,
    *,
    request: bool = False,
    now: datetime,
    config: InvoicingConfig,
    sealer: PersonalSealer,
    incidents: IncidentSink,
    rates: RateSource | None = None,
) -> StoredInvoice:
    """The order's invoice: the existing one, or a new one numbered in this transaction.

    ``Conflict`` when the order may not be invoiced (not paid; a consumer without a request or
    after the deadline); ``InvalidValue`` naming the field for bad data (draft + incident).
    """
    today = local_day(now)
    if isinstance(sealer, PrivacySealer):
        uow.use_sealer(sealer.sealer)
    with uow:
        existing = uow.invoices.for_order(order_id, lock=True)
        if existing is not None and existing.status is not InvoiceStatus.DRAFT:
            return existing
        source = uow.invoices.order_source(order_id)
        if source is None:
            raise UnknownOrder(f"no order {order_id}", field="order_id")
        personal = sealer.open_order(order_id, source.row._mapping)
        facts = _facts(order_id, source.row, bool(personal.nip))
        check_eligible(facts, request=request, today=today, b2b_on_payment=config.b2b_on_payment)
        try:
            invoice = build_invoice(source, personal, config=config, issue_date=today, rates=rates)
            taken = uow.invoices.take_number(config.series, invoice.seller.nip, today)
            invoice = dataclasses.replace(invoice, number=taken.number)
            numbered = {"series": config.series.name, "period": taken.period, "seq": taken.seq}
            lookups = {name: source.row._mapping[name] for name in LOOKUP_HASHES}
            values = _written(invoice, "VAT", now) | numbered | lookups
            invoice_id = _put(uow, existing, order_id, values, now)
            uow.invoices.mark_order_invoiced(order_id, now)
            uow.invoices.seal_plain()
            uow.commit()
            stored = uow.invoices.get(invoice_id)
            assert stored is not None
            return stored
        except Duplicate:  # another worker issued it meanwhile (its number, not ours)
            uow.rollback()
            winner = uow.invoices.for_order(order_id)
            assert winner is not None
            return winner
        except InvalidValue as exc:
            uow.rollback()
            _draft(uow, existing, order_id, config, source.currency, exc, now)
            uow.commit()
            failure = exc
    detail = f"order {order_id} cannot be invoiced: {failure.field}: {failure}"
    incidents.record([occurrence(f"order {order_id} invoice", detail)], now=now)
    raise failure


def _put(
    uow: InvoiceUnitOfWork,
    existing: StoredInvoice | None,
    order_id: int,
    values: dict[str, Any],
    now: datetime,
) -> int:
    if existing is not None:
        uow.invoices.change(existing.id, values)
        return existing.id
    return uow.invoices.add(values | {"order_id": order_id, "created_at": now})


def _draft(
    uow: InvoiceUnitOfWork,
    existing: StoredInvoice | None,
    order_id: int,
    config: InvoicingConfig,
    currency: str,
    exc: InvalidValue,
    now: datetime,
) -> None:
    values = {
        "kind": "VAT", "series": config.series.name, "status": InvoiceStatus.DRAFT.value,
        "currency": currency[:3], "seller_nip": config.seller_key,
        "error": f"{exc.field}: {exc}", "updated_at": now,
    }  # fmt: skip
    _put(uow, existing, order_id, values, now)


def _latest(uow: InvoiceUnitOfWork, number: str) -> StoredInvoice:
    stored = uow.invoices.by_number(number)
    if stored is None:
        raise UnknownInvoice(f"no invoice {number!r}", field="number")
    while (newer := uow.invoices.latest_correction(stored.id)) is not None:
        found = uow.invoices.get(newer)
        assert found is not None
        stored = found
    return stored


def _document(uow: InvoiceUnitOfWork, stored: StoredInvoice) -> Invoice | Correction:
    """The stored document as a domain value (enough of it to correct it again)."""
    assert stored.xml is not None
    assert stored.lines is not None
    assert stored.number is not None
    assert stored.issue_date is not None
    seller, buyer = read_parties(stored.xml)
    lines, exchange = load_document(stored.lines)
    common: dict[str, Any] = {
        "number": stored.number, "issue_date": stored.issue_date, "seller": seller,
        "buyer": buyer, "currency": stored.currency, "exchange": exchange,
    }  # fmt: skip
    link = uow.invoices.corrected_by(stored.id)
    if link is None:
        return Invoice(lines=lines, **common)
    previous = uow.invoices.get(link[0])
    assert previous is not None
    assert previous.number
    assert previous.issue_date
    ref = InvoiceRef(
        number=previous.number, issue_date=previous.issue_date, ksef_number=previous.ksef_number
    )
    return Correction(corrected=ref, reason=link[1], kind=CorrectionType(link[2]),
                      before=lines, after=lines, **common)  # fmt: skip


def returned(
    lines: tuple[InvoiceLine, ...], quantities: Mapping[int, Decimal]
) -> tuple[InvoiceLine, ...]:
    """``lines`` after the return of ``quantities`` by 1-based position (all of it when empty)."""
    if not quantities:
        return tuple(dataclasses.replace(line, quantity=Decimal(0)) for line in lines)
    for position in quantities:
        if not 1 <= position <= len(lines):
            raise InvalidValue(f"no line {position}", field="returned")
    after = []
    for i, line in enumerate(lines, start=1):
        left = line.quantity - quantities.get(i, Decimal(0))
        if left < 0:
            raise InvalidValue(f"more returned than invoiced on line {i}", field="returned")
        after.append(dataclasses.replace(line, quantity=left))
    return tuple(after)


def correct(
    uow: InvoiceUnitOfWork,
    invoice_no: str,
    *,
    reason: str,
    lines_after: tuple[InvoiceLine, ...] | None = None,
    now: datetime,
    config: InvoicingConfig,
    kind: CorrectionType = CorrectionType.CORRECTION_DATE,
) -> StoredInvoice:
    """A correction (KOR) of the invoice's newest state (following earlier corrections).

    ``lines_after=None`` corrects to nothing (full return or cancellation). The corrected
    document must have its KSeF number (a correction is sent only after the original).
    """
    with uow:
        _lock_chain(uow, invoice_no)
        target = _latest(uow, invoice_no)
        return _correct_in(uow, target, reason, lines_after, now, config, kind)


def _lock_chain(uow: InvoiceUnitOfWork, number: str) -> None:
    """Lock the original invoice of ``number``'s correction chain (PostgreSQL row lock), the row
    :func:`correct_closed_order` locks too: a manual correction and the worker's never both
    correct the same state; the later one corrects the earlier one's result."""
    stored = uow.invoices.by_number(number)
    if stored is None:
        raise UnknownInvoice(f"no invoice {number!r}", field="number")
    while (link := uow.invoices.corrected_by(stored.id)) is not None:
        found = uow.invoices.get(link[0])
        assert found is not None
        stored = found
    uow.invoices.get(stored.id, lock=True)


def _correct_in(
    uow: InvoiceUnitOfWork,
    target: StoredInvoice,
    reason: str,
    lines_after: tuple[InvoiceLine, ...] | None,
    now: datetime,
    config: InvoicingConfig,
    kind: CorrectionType,
) -> StoredInvoice:
    today = local_day(now)
    if target.ksef_number is None:
        raise Conflict(f"{target.number} has no KSeF number yet; send it first", field="number")
    document = _document(uow, target)
    before = document.lines if isinstance(document, Invoice) else document.after
    after = lines_after if lines_after is not None else returned(before, {})
    taken = uow.invoices.take_number(config.correction_series, target.seller_nip, today)
    kor = correct_document(document, number=taken.number, issue_date=today, reason=reason,
                           after=after, ksef_number=target.ksef_number, kind=kind)  # fmt: skip
    values = _written(kor, "KOR", now) | {"series": config.correction_series.name,
                                          "period": taken.period, "seq": taken.seq}  # fmt: skip
    invoice_id = uow.invoices.add(values | {"created_at": now})
    uow.invoices.link_correction(invoice_id, target.id, kor.reason, int(kind))
    uow.invoices.seal_plain()
    uow.commit()
    stored = uow.invoices.get(invoice_id)
    assert stored is not None
    return stored


def correct_closed_order(
    uow: InvoiceUnitOfWork,
    invoice_id: int,
    *,
    reason: str,
    now: datetime,
    config: InvoicingConfig,
) -> StoredInvoice | None:
    """A correction to zero of an order's invoice after the order was cancelled or returned —
    unless the invoice has a correction already (``None``): the invoice row is locked first, so
    two workers make one KOR."""
    with uow:
        target = uow.invoices.get(invoice_id, lock=True)
        if target is None or uow.invoices.latest_correction(invoice_id) is not None:
            return None
        return _correct_in(uow, target, reason, None, now, config, CorrectionType.CORRECTION_DATE)


def invoice_view(stored: StoredInvoice) -> dict[str, Any]:
    """A stored invoice as JSON-ready values (no XML, no UPO bytes, no personal data)."""
    return {
        "id": stored.id, "number": stored.number, "kind": stored.kind,
        "status": stored.status.value,
        "order_id": stored.order_id, "issue_date": _iso(stored.issue_date),
        "currency": stored.currency, "gross": None if stored.gross is None else str(stored.gross),
        "sha256": stored.sha256, "ksef_number": stored.ksef_number,
        "ksef_acquired_at": _iso(stored.ksef_acquired_at), "has_upo": stored.upo is not None,
        "error": stored.error, "offline_deadline": _iso(stored.offline_deadline),
        "retention_until": _iso(stored.retention_until),
    }  # fmt: skip


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def find_invoice(uow: InvoiceUnitOfWork, ref: str) -> StoredInvoice:
    """An invoice by its number (``FV/2026/11/0001``) or its id (``7``)."""
    with uow:
        found = uow.invoices.by_number(ref)
        if found is None and ref.isdigit():
            found = uow.invoices.get(int(ref))
    if found is None:
        raise UnknownInvoice(f"no invoice {ref!r}", field="number")
    return found


def list_invoices(
    uow: InvoiceUnitOfWork, status: InvoiceStatus | None = None
) -> list[StoredInvoice]:
    with uow:
        return uow.invoices.listing((status,) if status else ())
