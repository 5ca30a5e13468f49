"""Response bodies in the spec's shapes (null fields are left out) and the UPO documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from omnistock.sandbox.ksef.state import SESSION_TTL, InvoiceRecord, KsefSandbox, Session

__all__ = ["invoice_status", "iso", "session_status", "upo_xml"]

UPO_NS = "http://upo.schematy.mf.gov.pl/KSeF/v4-3"


def iso(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the UTC offset."""
    return moment.isoformat(timespec="milliseconds")


def _ready(sandbox: KsefSandbox, record: InvoiceRecord) -> bool:
    return sandbox.clock.elapsed_seconds() >= record.ready_at


def invoice_status(sandbox: KsefSandbox, record: InvoiceRecord, base_url: str) -> dict[str, Any]:
    """``SessionInvoiceStatusResponse`` (status 150 until the processing delay has passed)."""
    body: dict[str, Any] = {
        "ordinalNumber": record.ordinal,
        "referenceNumber": record.reference,
        "invoiceHash": record.invoice_hash,
        "invoicingDate": iso(record.received),
        "invoicingMode": "Offline" if record.offline else "Online",
    }
    if record.file_name:
        body["invoiceFileName"] = record.file_name
    if not _ready(sandbox, record):
        body["status"] = {"code": 150, "description": "Trwa przetwarzanie"}
        return body
    if record.number:
        body["invoiceNumber"] = record.number
    status: dict[str, Any] = {"code": record.code, "description": record.description}
    if record.details:
        status["details"] = record.details
    if record.extensions:
        status["extensions"] = record.extensions
    body["status"] = status
    if record.ksef_number:
        body["ksefNumber"] = record.ksef_number
        body["acquisitionDate"] = iso(record.received)
        body["permanentStorageDate"] = iso(record.received)
        body["upoDownloadUrl"] = (
            f"{base_url}sessions/{record.session}/invoices/ksef/{record.ksef_number}/upo"
        )
    return body


def session_status(sandbox: KsefSandbox, session: Session, base_url: str) -> dict[str, Any]:
    """``SessionStatusResponse`` with counts and, once processed, the collective UPO page."""
    body: dict[str, Any] = {
        "status": {"code": session.code, "description": session.description},
        "dateCreated": iso(session.created),
        "dateUpdated": iso(session.updated),
        "validUntil": iso(session.created + SESSION_TTL),
    }
    if session.code in (200, 445) or session.kind == "SO":
        done = [i for i in session.invoices if _ready(sandbox, i)]
        body["invoiceCount"] = len(session.invoices)
        body["successfulInvoiceCount"] = sum(1 for i in done if i.code == 200)
        body["failedInvoiceCount"] = sum(1 for i in done if i.code != 200)
    if session.code == 200:
        until = sandbox.clock.now() + SESSION_TTL
        body["upo"] = {
            "pages": [
                {
                    "referenceNumber": f"{session.reference[:-2]}U1",
                    "downloadUrl": f"{base_url}sessions/{session.reference}/upo/"
                    f"{session.reference[:-2]}U1",
                    "downloadUrlExpirationDate": iso(until),
                }
            ]
        }
    return body


def _document(record: InvoiceRecord, nip: str) -> str:
    return (
        "<Dokument>"
        f"<NipSprzedawcy>{escape(nip)}</NipSprzedawcy>"
        f"<NumerKSeFDokumentu>{escape(record.ksef_number or '')}</NumerKSeFDokumentu>"
        f"<NumerFaktury>{escape(record.number or '')}</NumerFaktury>"
        f"<DataPrzeslaniaDokumentu>{iso(record.received)}</DataPrzeslaniaDokumentu>"
        f"<DataNadaniaNumeruKSeF>{iso(record.received)}</DataNadaniaNumeruKSeF>"
        f"<SkrotDokumentu>{escape(record.invoice_hash)}</SkrotDokumentu>"
        f"<TrybWysylki>{'Offline' if record.offline else 'Online'}</TrybWysylki>"
        "</Dokument>"
    )


def upo_xml(session: Session, records: list[InvoiceRecord], now: datetime) -> bytes:
    """An (unsigned) UPO in the shape of ``upo-v4-3.xsd`` for the accepted ``records``."""
    documents = "".join(_document(r, session.nip) for r in records if r.ksef_number)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Potwierdzenie xmlns="{UPO_NS}">'
        "<NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów (omnistock sandbox)"
        "</NazwaPodmiotuPrzyjmujacego>"
        f"<NumerReferencyjnySesji>{session.reference}</NumerReferencyjnySesji>"
        "<Uwierzytelnienie><IdKontekstu><Nip>"
        f"{session.nip}</Nip></IdKontekstu></Uwierzytelnienie>"
        f"<KodFormularza>FA (3)</KodFormularza><DataWygenerowania>{iso(now)}</DataWygenerowania>"
        f"{documents}</Potwierdzenie>"
    ).encode()
