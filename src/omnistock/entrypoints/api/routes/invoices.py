"""``/api/v1/invoices``: FA(3) invoices — list, show, issue, XML, PDF, correct, send to KSeF.

The list and one invoice (numbers, status, KSeF number; no buyer data) are for viewers. The XML
and the PDF contain the buyer's name and address, so they need the operator role and each read
is recorded in ``privacy_audit`` (action ``read``, identifier kind ``invoice``). Issuing opens
the order's sealed buyer data with the privacy keys; sending needs ``OMNISTOCK_KSEF_*``.
``{number}`` is an invoice number (``FV/2026/11/0001``, URL-encoded) or its id.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.routes.orders import privacy_sealer
from omnistock.entrypoints.api.state import api_state
from omnistock.invoicing.ksef import KsefClient, KsefSettings
from omnistock.invoicing.nbp import NBP_API, NbpApiSource
from omnistock.invoicing.pdf import PdfInvoice, find_font, render_pdf
from omnistock.privacy.keys import KeyConfigError
from omnistock.privacy.sealing import Sealer
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_documents import load_document
from omnistock.service.invoices import (
    correct,
    find_invoice,
    invoice_view,
    issue_for_order,
    list_invoices,
    returned,
    send_pending,
)
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_repository import InvoiceStatus, InvoiceUnitOfWork, StoredInvoice
from omnistock.store.privacy_repository import AuditEntry, record_audit

__all__ = ["router"]

router = APIRouter(prefix="/invoices", tags=["invoices"])
Ref = Annotated[str, Path(min_length=1, max_length=100, description="Number or id.")]


class IssueIn(Strict):
    order_id: int = Field(ge=1, le=2**62, description="The order (``GET /orders``).")
    request: bool = Field(default=False, description="The buyer asked for it (consumers).")


class CorrectIn(Strict):
    reason: str = Field(min_length=1, max_length=256, description="PrzyczynaKorekty.")
    returned: dict[int, Decimal] = Field(
        default_factory=dict,
        description="Returned quantity per 1-based line; empty: everything returned.",
    )


def _uow(request: Request) -> InvoiceUnitOfWork:
    """Invoices with the app's privacy keys (the XML is sealed); without keys listing works."""
    return InvoiceUnitOfWork(api_state(request).app.engine, invoice_sealer(request))


def invoice_sealer(request: Request) -> Sealer | None:
    """The privacy keys sealing ``invoices.xml``, or None when none are configured."""
    try:
        return privacy_sealer(request).sealer
    except KeyConfigError:
        return None


def _config(request: Request) -> InvoicingConfig:
    return InvoicingConfig.from_section(api_state(request).app.settings.section("invoicing"))


@router.get("")
def invoices(
    request: Request, _who: Viewer, status: Annotated[InvoiceStatus | None, Query()] = None
) -> list[dict[str, Any]]:
    """Invoices with their status and KSeF number (never buyer data)."""
    return [invoice_view(s) for s in list_invoices(_uow(request), status)]


@router.get("/{number:path}/xml", response_class=Response)
def invoice_xml(request: Request, number: Ref, who: Operator) -> Response:
    """The FA(3) XML exactly as stored and sent (contains buyer data; audited)."""
    stored = find_invoice(_uow(request), number)
    _audit(request, who.actor, stored)
    return Response(_xml(stored), media_type="application/xml")


@router.get("/{number:path}/pdf", response_class=Response)
def invoice_pdf(request: Request, number: Ref, who: Operator) -> Response:
    """The PDF visualisation with the KSeF number and the KOD I QR (buyer data; audited)."""
    stored = find_invoice(_uow(request), number)
    document = PdfInvoice(xml=_xml(stored), ksef_number=stored.ksef_number,
                          qr_base=_config(request).qr_base,
                          offline=stored.offline_deadline is not None)  # fmt: skip
    data = render_pdf(document, font=find_font(os.environ))
    _audit(request, who.actor, stored)
    return Response(data, media_type="application/pdf")


@router.post("/{number:path}/correct", status_code=201)
def invoice_correct(
    request: Request, number: Ref, body: CorrectIn, _who: Operator
) -> dict[str, Any]:
    """A correction (KOR) of the invoice's newest state → the correction."""
    uow, app = _uow(request), api_state(request).app
    target = find_invoice(uow, number)
    lines = None
    if body.returned and target.lines:
        lines = returned(load_document(target.lines)[0], body.returned)
    stored = correct(uow, target.number or number, reason=body.reason, lines_after=lines,
                     now=app.clock.now(), config=_config(request))  # fmt: skip
    return invoice_view(stored)


@router.get("/{number:path}")
def invoice(request: Request, number: Ref, _who: Viewer) -> dict[str, Any]:
    """One invoice (no XML, no buyer data)."""
    return invoice_view(find_invoice(_uow(request), number))


@router.post("", status_code=201)
def issue(request: Request, body: IssueIn, _who: Operator) -> dict[str, Any]:
    """Issue the order's VAT invoice (or return the one it has)."""
    app = api_state(request).app
    config = _config(request)  # bad configuration: 422 before anything is read
    base = str(app.settings.section("invoicing").get("nbp_url", NBP_API))
    with httpx.Client(timeout=10) as client:
        stored = issue_for_order(
            _uow(request), body.order_id, request=body.request, now=app.clock.now(),
            config=config, sealer=privacy_sealer(request), incidents=IncidentStore(app.engine),
            rates=NbpApiSource(client, base_url=base),
        )  # fmt: skip
    return invoice_view(stored)


@router.post("/send")
def send(request: Request, _who: Operator) -> dict[str, Any]:
    """Send issued, offline-pending and unconfirmed invoices to KSeF → what happened."""
    settings = KsefSettings.from_env(os.environ)
    if settings is None:
        raise InvalidValue("set OMNISTOCK_KSEF_NIP and OMNISTOCK_KSEF_TOKEN", field="ksef")
    app = api_state(request).app
    with KsefClient(settings) as ksef:
        summary = send_pending(_uow(request), ksef, app.clock.now(),
                               incidents=IncidentStore(app.engine))  # fmt: skip
    result: dict[str, Any] = summary.to_dict()
    return result


def _xml(stored: StoredInvoice) -> bytes:
    if stored.xml is None:
        raise InvalidValue(f"invoice {stored.id} is a draft: {stored.error}", field="status")
    return stored.xml


def _audit(request: Request, actor: str, stored: StoredInvoice) -> None:
    entry = AuditEntry(
        at=api_state(request).app.clock.now(), actor=actor, surface="api", action="read",
        identifier_kind="invoice",
        identifier_hash=hashlib.sha256(f"invoices#{stored.id}".encode()).hexdigest(),
        records=1, fields=1,
    )  # fmt: skip
    with api_state(request).app.engine.begin() as conn:
        record_audit(conn, entry)
