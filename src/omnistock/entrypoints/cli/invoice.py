"""``omnistock invoice issue|list|show|xml|pdf|correct|send``: FA(3) invoices and KSeF.

Seller data and series come from ``[invoicing]`` of ``omnistock.toml`` (see
``omnistock.service.invoice_config``); KSeF from ``OMNISTOCK_KSEF_URL``/``_NIP``/``_TOKEN``;
buyer data is opened with the privacy keys (as ``orders show --with-personal``). ``N`` is an
invoice number (``FV/2026/11/0001``) or its id.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from omnistock.bootstrap import App
from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
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
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_repository import InvoiceStatus, InvoiceUnitOfWork, StoredInvoice

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Ref = Annotated[str, typer.Argument(metavar="N", help="Invoice number or id.")]
invoice_app = typer.Typer(help="FA(3) invoices: issue, list, show, xml, pdf, correct, send.",
                          no_args_is_help=True)  # fmt: skip


def _invoices(app: App) -> InvoiceUnitOfWork:
    """Invoices with the privacy keys of the environment or ``[privacy] key_file`` (the XML is
    sealed); without keys, listing still works and reading a document names the missing keys."""
    key_file = app.settings.section("privacy").get("key_file")
    try:
        sealer = Sealer.from_env(os.environ, key_file=key_file)
    except KeyConfigError:
        sealer = None
    return InvoiceUnitOfWork(app.engine, sealer)


def register(app: typer.Typer) -> None:
    app.add_typer(invoice_app, name="invoice")


def _config(app: App) -> InvoicingConfig:
    return InvoicingConfig.from_section(app.settings.section("invoicing"))


def _show(stored: StoredInvoice, as_json: bool) -> None:
    view = invoice_view(stored)
    if as_json:
        render.emit_json(view)
        return
    render.show(render.table(f"invoice {stored.number or stored.id}", ["field", "value"],
                             list(view.items())))  # fmt: skip


@invoice_app.command("issue")
def invoice_issue(
    ctx: typer.Context,
    order_id: Annotated[int, typer.Argument(metavar="ORDER_ID", help="Order id (orders list).")],
    request: Annotated[
        bool, typer.Option("--request", help="The buyer asked for it (consumers).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Issue the order's VAT invoice (or show the one it has)."""
    import httpx  # imported by the commands that need them: start-up stays light

    from omnistock.invoicing.nbp import NBP_API, NbpApiSource

    with open_app(ctx, migrate=True) as app, httpx.Client(timeout=10) as client:
        config = _config(app)
        base = str(app.settings.section("invoicing").get("nbp_url", NBP_API))
        key_file = app.settings.section("privacy").get("key_file")
        stored = issue_for_order(
            _invoices(app), order_id, request=request, now=app.clock.now(),
            config=config, sealer=PrivacySealer(Sealer.from_env(os.environ, key_file=key_file)),
            incidents=IncidentStore(app.engine), rates=NbpApiSource(client, base_url=base),
        )  # fmt: skip
    _show(stored, as_json)


@invoice_app.command("list")
def invoice_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Invoices (numbers, status, KSeF numbers; never buyer data)."""
    wanted = _status(status) if status else None
    with open_app(ctx) as app:
        found = [invoice_view(s) for s in list_invoices(_invoices(app), wanted)]
    if as_json:
        render.emit_json(found)
        return
    columns = ["id", "number", "kind", "status", "gross", "currency", "ksef_number"]
    render.show(render.table("invoices", columns, [[v[c] for c in columns] for v in found]))


def _status(text: str) -> InvoiceStatus:
    try:
        return InvoiceStatus(text)
    except ValueError:
        allowed = ", ".join(s.value for s in InvoiceStatus)
        raise InvalidValue(
            f"unknown status {text!r} (allowed: {allowed})", field="status"
        ) from None


@invoice_app.command("show")
def invoice_show(ctx: typer.Context, ref: Ref, as_json: JsonFlag = False) -> None:
    """One invoice."""
    with open_app(ctx) as app:
        stored = find_invoice(_invoices(app), ref)
    _show(stored, as_json)


def _xml(stored: StoredInvoice) -> bytes:
    if stored.xml is None:
        raise InvalidValue(f"invoice {stored.id} is a draft: {stored.error}", field="status")
    return stored.xml


@invoice_app.command("xml")
def invoice_xml(ctx: typer.Context, ref: Ref) -> None:
    """Print the FA(3) XML exactly as stored (and sent to KSeF)."""
    with open_app(ctx) as app:
        stored = find_invoice(_invoices(app), ref)
    sys.stdout.buffer.write(_xml(stored))
    sys.stdout.buffer.flush()


@invoice_app.command("pdf")
def invoice_pdf(
    ctx: typer.Context,
    ref: Ref,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="PDF file to write.")
    ] = None,
) -> None:
    """Write the PDF visualisation (with the KSeF number and the KOD I QR code)."""
    from omnistock.invoicing.pdf import PdfInvoice, find_font, render_pdf  # loads fpdf

    with open_app(ctx) as app:
        stored = find_invoice(_invoices(app), ref)
        qr_base = _config(app).qr_base
    document = PdfInvoice(xml=_xml(stored), ksef_number=stored.ksef_number, qr_base=qr_base,
                          offline=stored.offline_deadline is not None)  # fmt: skip
    data = render_pdf(document, font=find_font(os.environ))
    target = output or Path((stored.number or str(stored.id)).replace("/", "_") + ".pdf")
    target.write_bytes(data)
    render.note(f"{target} ({len(data)} bytes)")


def _returns(items: list[str]) -> dict[int, Decimal]:
    quantities: dict[int, Decimal] = {}
    for item in items:
        position, _, quantity = item.partition("=")
        try:
            quantities[int(position)] = Decimal(quantity)
        except (ValueError, InvalidOperation):
            raise InvalidValue(f"{item!r} is not POSITION=QUANTITY", field="return") from None
    return quantities


@invoice_app.command("correct")
def invoice_correct(
    ctx: typer.Context,
    ref: Ref,
    reason: Annotated[str, typer.Option("--reason", help="Why (PrzyczynaKorekty).")],
    returns: Annotated[
        list[str] | None,
        typer.Option(
            "--return",
            metavar="POS=QTY",
            help="Returned quantity of line POS; without any, everything is returned/cancelled.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Issue a correction (KOR) of the invoice's newest state."""
    with open_app(ctx, migrate=True) as app:
        uow = _invoices(app)
        target = find_invoice(uow, ref)
        lines = None
        if returns and target.lines:
            lines = returned(load_document(target.lines)[0], _returns(returns))
        stored = correct(uow, target.number or ref, reason=reason, lines_after=lines,
                         now=app.clock.now(), config=_config(app))  # fmt: skip
    _show(stored, as_json)


@invoice_app.command("send")
def invoice_send(
    ctx: typer.Context,
    pending: Annotated[
        bool, typer.Option("--pending", help="Send every pending invoice (the default).")
    ] = True,
    as_json: JsonFlag = False,
) -> None:
    """Send issued, offline-pending and unconfirmed invoices to KSeF; store numbers and UPOs."""
    from omnistock.invoicing.ksef import KsefClient, KsefSettings

    settings = KsefSettings.from_env(os.environ)
    if settings is None:
        raise InvalidValue("set OMNISTOCK_KSEF_NIP and OMNISTOCK_KSEF_TOKEN", field="ksef")
    with open_app(ctx, migrate=True) as app, KsefClient(settings) as ksef:
        summary = send_pending(_invoices(app), ksef, app.clock.now(),
                               incidents=IncidentStore(app.engine))  # fmt: skip
    if as_json:
        render.emit_json(summary.to_dict())
        return
    done = {k: len(v) for k, v in summary.to_dict().items()}
    render.note(", ".join(f"{count} {what}" for what, count in done.items()))
