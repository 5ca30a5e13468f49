"""Dashboard sections of orders, invoices and compliance, and the invoice XML/PDF downloads.

The sections hold no personal data (viewers see them): orders show ids, status, flags and
lines; invoices their number, status, KSeF number and links to the XML and PDF, which contain
buyer data and so need an operator session (each download is recorded in ``privacy_audit``,
surface ``dashboard``); compliance shows the newest stored check run (violations of rules in
force and of rules coming into force, per offer) and the shipped rules coming into force within
90 days.
Every cell is escaped by the template except the links built here from integer ids.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup
from sqlalchemy import Engine

from omnistock.compliance.results import latest_compliance_results
from omnistock.domain.compliance import Lang
from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.api.auth import plain_parameters
from omnistock.entrypoints.api.dashboard.pages import PageOperator
from omnistock.entrypoints.api.dashboard.sections import (
    SECTIONS,
    Section,
    SectionContext,
    SectionData,
)
from omnistock.entrypoints.api.routes.compliance import upcoming_rules
from omnistock.entrypoints.api.routes.invoices import invoice_sealer
from omnistock.entrypoints.api.state import api_state
from omnistock.invoicing.pdf import PdfInvoice, find_font, render_pdf
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoices import find_invoice, list_invoices
from omnistock.service.orders import list_orders
from omnistock.store.invoice_repository import InvoiceUnitOfWork, StoredInvoice
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.privacy_repository import AuditEntry, record_audit

__all__ = ["compliance_section", "invoices_section", "orders_section", "router"]

LIMIT = 200
router = APIRouter(
    prefix="/dashboard", include_in_schema=False, dependencies=[Depends(plain_parameters)]
)


def orders_section(engine: Engine) -> SectionData:
    """The newest orders: ids, channel, status, flags, lines (no buyer data)."""
    found = list_orders(OrderUnitOfWork(engine), None, LIMIT)
    rows = [
        (o["id"], o["channel"], o["external_id"], o["status"] or "", o["channel_status"] or "",
         ",".join(f for f in ("unlinked", "merged") if o[f]) or "-",
         "; ".join(f"{ln['sku'] or ln['offer_id']}×{ln['quantity']}" for ln in o["lines"]),
         o["last_seen_at"] or "")
        for o in found
    ]  # fmt: skip
    columns = ("id", "channel", "external_id", "status", "channel_status", "flags", "lines",
               "last_seen_at")  # fmt: skip
    return SectionData(configured=True, columns=columns, rows=rows)


def _links(invoice_id: int) -> Markup:
    link = Markup('<a href="/dashboard/invoices/{0}/{1}">{2}</a>')
    return Markup(" · ").join(
        link.format(int(invoice_id), kind, kind.upper()) for kind in ("xml", "pdf")
    )


def invoices_section(engine: Engine) -> SectionData:
    """Invoices with their KSeF status and number, and links to the XML and PDF."""
    found = list_invoices(InvoiceUnitOfWork(engine))[-LIMIT:]
    rows = [
        (s.id, s.number or "", s.kind, s.status.value, s.ksef_number or "", s.order_id or "",
         "" if s.gross is None else f"{s.gross} {s.currency}", s.error or "",
         _links(s.id) if s.xml is not None else "")
        for s in reversed(found)
    ]  # fmt: skip
    columns = ("id", "number", "kind", "ksef_status", "ksef_number", "order_id", "gross",
               "error", "documents")  # fmt: skip
    return SectionData(configured=True, columns=columns, rows=rows)


def compliance_section(context: SectionContext) -> SectionData:
    """The newest stored check run (violations now and of rules coming into force, per offer)
    and the shipped rules coming into force within 90 days, in the page's language."""
    lang = Lang(context.lang) if context.lang in {x.value for x in Lang} else Lang.PL
    run = latest_compliance_results(context.engine, lang=lang)
    soon = upcoming_rules(context.today, 90, lang=lang)
    rules = SectionData(configured=True, columns=RULE_COLUMNS, rows=[
        tuple(r[k] for k in ("effective_from", "channel", "pack", "id", "severity", "description"))
        for r in soon])  # fmt: skip
    if run is None:
        return SectionData(configured=True, facts=(("last_check", "—"),), parts=(
            ("violations", SectionData(configured=True, columns=RESULT_COLUMNS)),
            ("upcoming_rules", rules)))  # fmt: skip
    facts = tuple((k, run[k]) for k in ("as_of", "ran_at", "source", "checked"))
    return SectionData(configured=True, facts=facts, parts=(
        ("violations", _results(run["violations"])),
        ("upcoming_violations", _results(run["upcoming"])),
        ("upcoming_rules", rules)))  # fmt: skip


RESULT_COLUMNS = ("effective_from", "channel", "pack", "rule", "severity", "offer", "message")
RULE_COLUMNS = ("effective_from", "channel", "pack", "rule", "severity", "description")


def _results(found: list[dict[str, Any]]) -> SectionData:
    rows = [tuple(r[k] for k in RESULT_COLUMNS) for r in found[:LIMIT]]
    return SectionData(configured=True, columns=RESULT_COLUMNS, rows=rows)


def _stored(request: Request, invoice_id: int, actor: str) -> tuple[StoredInvoice, bytes]:
    app = api_state(request).app
    stored = find_invoice(InvoiceUnitOfWork(app.engine, invoice_sealer(request)), str(invoice_id))
    if stored.xml is None:
        raise InvalidValue(f"invoice {stored.id} is a draft", field="status")
    entry = AuditEntry(
        at=app.clock.now(), actor=actor, surface="dashboard", action="read",
        identifier_kind="invoice",
        identifier_hash=hashlib.sha256(f"invoices#{stored.id}".encode()).hexdigest(),
        records=1, fields=1,
    )  # fmt: skip
    with app.engine.begin() as conn:
        record_audit(conn, entry)
    return stored, stored.xml


@router.get("/invoices/{number}/xml")
def invoice_xml(request: Request, number: int, who: PageOperator) -> Response:
    """The stored FA(3) XML (operator; audited)."""
    _stored_invoice, xml = _stored(request, number, f"dashboard:{who.name}")
    return Response(xml, media_type="application/xml")


@router.get("/invoices/{number}/pdf")
def invoice_pdf(request: Request, number: int, who: PageOperator) -> Response:
    """The PDF visualisation (operator; audited)."""
    stored, xml = _stored(request, number, f"dashboard:{who.name}")
    section = api_state(request).app.settings.section("invoicing")
    document = PdfInvoice(xml=xml, ksef_number=stored.ksef_number,
                          qr_base=InvoicingConfig.from_section(section).qr_base,
                          offline=stored.offline_deadline is not None)  # fmt: skip
    return Response(render_pdf(document, font=find_font(os.environ)), media_type="application/pdf")


SECTIONS["orders"] = Section(key="orders", load=orders_section)
SECTIONS["invoices"] = Section(key="invoices", load=invoices_section)
SECTIONS["compliance"] = Section(key="compliance", view=compliance_section)
