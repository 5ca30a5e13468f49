"""What KSeF does with one received invoice: verify, decrypt, validate, de-duplicate, number.

Order of checks and the status each failure gets (spec ``SessionInvoiceStatusResponse``):
encrypted size/hash → 430; AES decryption → 435; plain size/hash, BOM, well-formedness → 430;
FA(3) XSD (omnistock's validator) or a future ``P_1`` → 450; seller NIP outside the session's
context → 410; an accepted (seller NIP, ``RodzajFaktury``, ``P_2``) → 440 naming the original;
else 200 with a KSeF number whose CRC-8 is valid.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from omnistock.domain.errors import InvalidFile
from omnistock.invoicing.fa3_schema import default_schema, parse_document
from omnistock.sandbox.ksef.keys import aes_decrypt, sha256_b64
from omnistock.sandbox.ksef.state import InvoiceRecord, KsefSandbox, Session

__all__ = ["Received", "process_encrypted", "process_plain"]

NS = {"fa": "http://crd.gov.pl/wzor/2025/06/25/13775/"}
_SCHEMA_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Verdict:
    code: int
    description: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Received:
    """What arrived for one invoice: its ordinal, declared hash, file name and offline flag."""

    ordinal: int
    invoice_hash: str
    file_name: str | None = None
    offline: bool = False


def _text(root: Any, path: str) -> str | None:
    found = root.find(path, NS)
    return found.text.strip() if found is not None and found.text else None


def _check_document(xml: bytes, today: datetime) -> tuple[Verdict | None, Any]:
    """The failed check's verdict (``None``: valid) and the parsed root (``None``: unparsable)."""
    try:
        root = parse_document(xml)
    except InvalidFile as exc:
        return Verdict(430, "Błąd weryfikacji pliku faktury", (exc.message,)), None
    with _SCHEMA_LOCK:
        problems = default_schema().problems(root)
    semantic = "Błąd weryfikacji semantyki dokumentu faktury"
    if problems:
        return Verdict(450, semantic, tuple(f"{p.path}: {p.message}" for p in problems[:5])), root
    if (_text(root, "fa:Fa/fa:P_1") or "") > today.date().isoformat():
        return Verdict(450, semantic, ("P_1: data wystawienia w przyszłości",)), root
    return None, root


def _record(
    sandbox: KsefSandbox, session: Session, got: Received, verdict: Verdict
) -> InvoiceRecord:
    delay = sandbox.injector.config.async_delay_seconds
    return InvoiceRecord(
        session=session.reference,
        reference=sandbox.reference("EE"),
        ordinal=got.ordinal,
        invoice_hash=got.invoice_hash,
        received=sandbox.clock.now(),
        ready_at=sandbox.clock.elapsed_seconds() + delay,
        code=verdict.code,
        description=verdict.description,
        details=list(verdict.details),
        file_name=got.file_name,
        offline=got.offline,
    )


def process_plain(
    sandbox: KsefSandbox, session: Session, got: Received, xml: bytes
) -> InvoiceRecord:
    """Validate decrypted ``xml`` and register it (or the reason it was refused)."""
    verdict, root = _check_document(xml, sandbox.clock.now())
    record = _record(sandbox, session, got, verdict or Verdict(200, "Sukces"))
    if root is not None:
        record.number = _text(root, "fa:Fa/fa:P_2")
        record.kind = _text(root, "fa:Fa/fa:RodzajFaktury")
    if verdict is not None:
        return _add(sandbox, session, record)
    seller = _text(root, "fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") or ""
    if seller != session.nip:
        record.code, record.description = 410, "Nieprawidłowy zakres uprawnień"
        record.details = [f"NIP sprzedawcy {seller} spoza kontekstu {session.nip}"]
        return _add(sandbox, session, record)
    record.xml = xml
    return _register(sandbox, session, record, (seller, record.kind or "", record.number or ""))


def _register(
    sandbox: KsefSandbox, session: Session, record: InvoiceRecord, key: tuple[str, str, str]
) -> InvoiceRecord:
    with sandbox.lock:
        original = sandbox.registry.get(key)
        if original is not None:
            record.code, record.description, record.xml = 440, "Duplikat faktury", b""
            record.details = [f"Faktura {key[2]} ({key[1]}) została już przyjęta"]
            record.extensions = {
                "originalSessionReferenceNumber": original.session,
                "originalKsefNumber": original.ksef_number or "",
            }
            return _add(sandbox, session, record)
        record.ksef_number = sandbox.ksef_number(key[0], record.received)
        sandbox.registry[key] = record
        return _add(sandbox, session, record)


def _add(sandbox: KsefSandbox, session: Session, record: InvoiceRecord) -> InvoiceRecord:
    with sandbox.lock:
        session.invoices.append(record)
        session.updated = record.received
    return record


def process_encrypted(
    sandbox: KsefSandbox,
    session: Session,
    got: Received,
    encrypted: bytes,
    *,
    declared: tuple[int, int, str],
) -> InvoiceRecord:
    """An online send: ``declared`` = (plain size, encrypted size, encrypted hash)."""
    plain_size, encrypted_size, encrypted_hash = declared
    if encrypted_size != len(encrypted) or encrypted_hash != sha256_b64(encrypted):
        bad = Verdict(430, "Błąd weryfikacji pliku faktury", ("Niezgodny skrót lub rozmiar",))
        return _add(sandbox, session, _record(sandbox, session, got, bad))
    try:
        xml = aes_decrypt(session.key, session.iv, encrypted)
    except ValueError:
        bad = Verdict(435, "Błąd odszyfrowania pliku")
        return _add(sandbox, session, _record(sandbox, session, got, bad))
    if plain_size != len(xml) or got.invoice_hash != sha256_b64(xml):
        detail = "Rozmiar lub skrót przesłanego pliku nie zgadza się z zadeklarowanym"
        bad = Verdict(430, "Błąd weryfikacji pliku faktury", (detail,))
        return _add(sandbox, session, _record(sandbox, session, got, bad))
    return process_plain(sandbox, session, got, xml)
