"""Batch sessions: open (declared ZIP and parts), part upload to "pre-signed" URLs, close.

Parts are uploaded with ``PUT /upload/{session}/{ordinal}`` (not rate-limited, no bearer, like
KSeF's blob URLs). Closing starts processing in a worker thread: every part is decrypted, the
ZIP is checked against the declared size and hash and unpacked, and each file is processed like
an online invoice. The session reads 150 until done, then 200 (or 445 when nothing was valid).
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from typing import Any

from fastapi import APIRouter, Request, Response

from omnistock.sandbox.ksef.access import body_json, field, holder, limit_key
from omnistock.sandbox.ksef.api_sessions import finish, new_session, open_keys, owned
from omnistock.sandbox.ksef.errors import bad_request
from omnistock.sandbox.ksef.keys import aes_decrypt, sha256_b64
from omnistock.sandbox.ksef.processing import Received, process_plain
from omnistock.sandbox.ksef.state import KsefSandbox, Session

__all__ = ["batch_router"]

log = logging.getLogger(__name__)
MAX_PARTS = 50
MAX_INVOICES = 10_000


def _declared(body: dict[str, Any]) -> tuple[tuple[int, str], dict[int, tuple[int, str]]]:
    whole = (int(field(body, "batchFile", "fileSize")), str(field(body, "batchFile", "fileHash")))
    parts = {
        int(p["ordinalNumber"]): (int(p["fileSize"]), str(p["fileHash"]))
        for p in field(body, "batchFile", "fileParts")
    }
    if not 1 <= len(parts) <= MAX_PARTS or sorted(parts) != list(range(1, len(parts) + 1)):
        raise bad_request(
            "Błąd walidacji danych wejściowych.", "fileParts 1..50, kolejne", code=21157
        )
    if body["batchFile"].get("compressionType", "Zip") != "Zip":
        raise bad_request("Błąd walidacji danych wejściowych.", "sandbox: tylko Zip")
    return whole, parts


def _fail(session: Session, code: int, description: str) -> None:
    session.code, session.description = code, description


def _unpack(session: Session) -> list[tuple[str, bytes]] | None:
    """Decrypted, verified ZIP members, or ``None`` after setting the session's error status."""
    try:
        plain = b"".join(
            aes_decrypt(session.key, session.iv, session.uploaded[n]) for n in sorted(session.parts)
        )
    except ValueError:
        _fail(session, 435, "Błąd odszyfrowania zaszyfrowanych części archiwum")
        return None
    if session.batch_file != (len(plain), sha256_b64(plain)):
        _fail(session, 405, "Błąd weryfikacji poprawności dostarczonych elementów paczki")
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(plain)) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            return [(name, archive.read(name)) for name in names]
    except zipfile.BadZipFile:
        _fail(session, 430, "Błąd dekompresji pierwotnego archiwum")
        return None


def process_batch(sandbox: KsefSandbox, session: Session) -> None:
    """Worker-thread processing of a closed batch session."""
    files = _unpack(session)
    if files is not None and len(files) > MAX_INVOICES:
        _fail(session, 420, "Przekroczony limit faktur w sesji")
    elif files is not None:
        for ordinal, (name, xml) in enumerate(files, start=1):
            got = Received(ordinal=ordinal, invoice_hash=sha256_b64(xml), file_name=name,
                           offline=session.offline)  # fmt: skip
            process_plain(sandbox, session, got, xml)
        with sandbox.lock:
            finish(sandbox, session)
    session.updated = sandbox.clock.now()


def batch_router(sandbox: KsefSandbox) -> APIRouter:
    router = APIRouter()
    running: set[asyncio.Future[None]] = set()

    @router.post("/sessions/batch", status_code=201)
    async def open_batch(request: Request) -> dict[str, Any]:
        nip = holder(sandbox, request, "access")
        sandbox.spend("batch", limit_key(request, nip))
        body = await body_json(request)
        key, iv = open_keys(sandbox, body)
        whole, parts = _declared(body)
        session = new_session(sandbox, "SB", nip, key, iv)
        session.batch_file, session.parts = whole, parts
        session.offline = bool(body.get("offlineMode", False))
        base = str(request.base_url)
        uploads = [
            {"ordinalNumber": n, "method": "PUT", "url": f"{base}upload/{session.reference}/{n}",
             "headers": {"x-ms-blob-type": "BlockBlob"}}
            for n in sorted(parts)
        ]  # fmt: skip
        return {"referenceNumber": session.reference, "partUploadRequests": uploads}

    @router.put("/upload/{reference}/{ordinal}", status_code=201)
    async def upload(reference: str, ordinal: int, request: Request) -> Response:
        session = sandbox.sessions.get(reference)
        content = await request.body()
        if session is None or session.code != 100 or ordinal not in session.parts:
            return Response(status_code=404)
        if session.parts[ordinal] != (len(content), sha256_b64(content)):
            return Response("part size or hash differs from the declaration", status_code=400)
        session.uploaded[ordinal] = content
        return Response(status_code=201)

    @router.post("/sessions/batch/{reference}/close", status_code=204)
    async def close_batch(reference: str, request: Request) -> Response:
        nip = holder(sandbox, request, "access")
        sandbox.spend("batch", limit_key(request, nip))
        session = owned(sandbox, reference, nip)
        if session.kind != "SB" or session.code != 100:
            raise bad_request("Sesja nie jest otwartą sesją wsadową", reference, code=21180)
        missing = sorted(set(session.parts) - set(session.uploaded))
        if missing:
            raise bad_request("Nie przesłano wszystkich części paczki", str(missing), code=21205)
        session.code, session.description = 150, "Trwa przetwarzanie"
        future = asyncio.get_running_loop().run_in_executor(None, _safely, sandbox, session)
        running.add(future)
        future.add_done_callback(running.discard)
        return Response(status_code=204)

    return router


def _safely(sandbox: KsefSandbox, session: Session) -> None:
    try:
        process_batch(sandbox, session)
    except Exception:
        log.exception("KSeF sandbox batch %s failed", session.reference)
        _fail(session, 500, "Nieznany błąd")
