"""Online sessions (``/sessions/online``) and the session reads shared with batch sessions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from omnistock.sandbox.ksef.access import b64field, body_json, field, holder, limit_key
from omnistock.sandbox.ksef.errors import KsefApiError, bad_request, exception_response
from omnistock.sandbox.ksef.processing import Received, process_encrypted
from omnistock.sandbox.ksef.state import SESSION_TTL, InvoiceRecord, KsefSandbox, Session
from omnistock.sandbox.ksef.views import invoice_status, iso, session_status, upo_xml

__all__ = ["open_keys", "sessions_router"]

FORM = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}
XML = "application/xml"


def open_keys(sandbox: KsefSandbox, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """Check ``formCode``/``encryption`` of an open-session request; the AES key and IV."""
    if field(body, "formCode") != FORM:
        raise bad_request("Błąd walidacji danych wejściowych.", "formCode: tylko FA (3) 1-0E")
    key_id = (
        body["encryption"].get("publicKeyId") if isinstance(body.get("encryption"), dict) else None
    )
    if key_id is not None and key_id != sandbox.symmetric_key.public_key_id:
        raise KsefApiError(400, exception_response(21470, "Nieznany identyfikator klucza"))
    try:
        key = sandbox.symmetric_key.decrypt(b64field(body, "encryption", "encryptedSymmetricKey"))
    except ValueError:
        raise bad_request("Błąd odszyfrowania dostarczonego klucza", code=415) from None
    iv = b64field(body, "encryption", "initializationVector")
    if len(key) != 32 or len(iv) != 16:
        raise bad_request("Błąd walidacji danych wejściowych.", "klucz AES-256 i IV 16 B")
    return key, iv


def new_session(sandbox: KsefSandbox, kind: str, nip: str, key: bytes, iv: bytes) -> Session:
    """Create and remember a session."""
    now = sandbox.clock.now()
    session = Session(
        reference=sandbox.reference(kind), kind=kind, nip=nip, key=key, iv=iv,
        created=now, updated=now,
    )  # fmt: skip
    with sandbox.lock:
        sandbox.sessions[session.reference] = session
    return session


def owned(sandbox: KsefSandbox, reference: str, nip: str) -> Session:
    """The caller's session ``reference`` or 400."""
    session = sandbox.sessions.get(reference)
    if session is None or session.nip != nip:
        raise bad_request(
            "Sesja o podanym numerze referencyjnym nie istnieje", reference, code=21173
        )
    return session


def _invoice(session: Session, reference: str) -> InvoiceRecord:
    for record in session.invoices:
        if reference in (record.reference, record.ksef_number):
            return record
    raise bad_request("Faktura o podanym numerze nie istnieje", reference, code=21174)


def _page(request: Request, records: list[InvoiceRecord]) -> tuple[list[InvoiceRecord], str | None]:
    size = int(request.query_params.get("pageSize", "10"))
    if not 10 <= size <= 1000:
        raise bad_request("Błąd walidacji danych wejściowych.", "pageSize 10..1000")
    start = int(request.headers.get("x-continuation-token") or 0)
    following = start + size
    return records[start:following], str(following) if following < len(records) else None


def sessions_router(sandbox: KsefSandbox) -> APIRouter:
    router = APIRouter()

    def caller(request: Request, group: str) -> str:
        nip = holder(sandbox, request, "access")
        sandbox.spend(group, limit_key(request, nip))
        return nip

    @router.post("/sessions/online", status_code=201)
    async def open_online(request: Request) -> dict[str, Any]:
        nip = caller(request, "online_open")
        key, iv = open_keys(sandbox, await body_json(request))
        session = new_session(sandbox, "SO", nip, key, iv)
        return {
            "referenceNumber": session.reference,
            "validUntil": iso(session.created + SESSION_TTL),
        }

    @router.post("/sessions/online/{reference}/invoices", status_code=202)
    async def send(reference: str, request: Request) -> dict[str, Any]:
        session = owned(sandbox, reference, caller(request, "online_invoice"))
        if session.kind != "SO" or session.code != 100:
            raise bad_request("Sesja nie jest otwartą sesją interaktywną", reference, code=21180)
        body = await body_json(request)
        declared = (int(field(body, "invoiceSize")), int(field(body, "encryptedInvoiceSize")),
                    str(field(body, "encryptedInvoiceHash")))  # fmt: skip
        got = Received(
            ordinal=len(session.invoices) + 1, invoice_hash=str(field(body, "invoiceHash")),
            offline=bool(body.get("offlineMode", False)),
        )  # fmt: skip
        encrypted = b64field(body, "encryptedInvoiceContent")
        record = process_encrypted(sandbox, session, got, encrypted, declared=declared)
        return {"referenceNumber": record.reference}

    @router.post("/sessions/online/{reference}/close", status_code=204)
    async def close_online(reference: str, request: Request) -> Response:
        session = owned(sandbox, reference, caller(request, "online_close"))
        with sandbox.lock:
            finish(sandbox, session)
        return Response(status_code=204)

    @router.get("/sessions/{reference}")
    async def status(reference: str, request: Request) -> dict[str, Any]:
        session = owned(sandbox, reference, caller(request, "session_status"))
        return session_status(sandbox, session, str(request.base_url))

    @router.get("/sessions/{reference}/invoices/failed")
    async def failed(reference: str, request: Request) -> dict[str, Any]:
        session = owned(sandbox, reference, caller(request, "session_list"))
        return _listing(request, [i for i in session.invoices if i.code != 200])

    @router.get("/sessions/{reference}/invoices")
    async def invoices(reference: str, request: Request) -> dict[str, Any]:
        session = owned(sandbox, reference, caller(request, "session_list"))
        return _listing(request, list(session.invoices))

    def _listing(request: Request, records: list[InvoiceRecord]) -> dict[str, Any]:
        page, token = _page(request, records)
        body: dict[str, Any] = {
            "invoices": [invoice_status(sandbox, r, str(request.base_url)) for r in page]
        }
        if token:
            body["continuationToken"] = token
        return body

    @router.get("/sessions/{reference}/invoices/{invoice}")
    async def one(reference: str, invoice: str, request: Request) -> dict[str, Any]:
        session = owned(sandbox, reference, caller(request, "invoice_status"))
        return invoice_status(sandbox, _invoice(session, invoice), str(request.base_url))

    @router.get("/sessions/{reference}/invoices/ksef/{number}/upo")
    @router.get("/sessions/{reference}/invoices/{number}/upo")
    async def invoice_upo(reference: str, number: str, request: Request) -> Response:
        session = owned(sandbox, reference, caller(request, "session_status"))
        record = _invoice(session, number)
        if record.ksef_number is None:
            raise bad_request("Brak UPO dla faktury", number, code=21178)
        return Response(upo_xml(session, [record], sandbox.clock.now()), media_type=XML)

    @router.get("/sessions/{reference}/upo/{upo}")
    async def session_upo(reference: str, upo: str, request: Request) -> Response:
        session = owned(sandbox, reference, caller(request, "session_status"))
        if session.code != 200 or upo != f"{reference[:-2]}U1":
            raise bad_request("UPO nie istnieje", upo, code=21178)
        return Response(upo_xml(session, session.invoices, sandbox.clock.now()), media_type=XML)

    return router


def finish(sandbox: KsefSandbox, session: Session) -> None:
    """Close a session: 200 with valid invoices, 445 with none valid, 440 with none sent."""
    if session.code not in (100, 150):
        raise bad_request("Sesja jest już zamknięta", session.reference, code=21180)
    if not session.invoices:
        session.code, session.description = 440, "Sesja anulowana"
    elif any(i.code == 200 for i in session.invoices):
        session.code, session.description = 200, "Sesja przetworzona pomyślnie"
    else:
        session.code, session.description = 445, "Błąd weryfikacji, brak poprawnych faktur"
    session.updated = sandbox.clock.now()
