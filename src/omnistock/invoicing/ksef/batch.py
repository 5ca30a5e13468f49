"""A batch session: ZIP of invoices → parts → AES-256-CBC → upload → close → poll → results.

The ZIP is split into parts of at most ``part_size`` bytes **before** encryption (KSeF: ≤ 100 MB
per part, ≤ 50 parts); every part is encrypted with the session key and IV. The request
describes the whole ZIP (size, SHA-256) and every *encrypted* part (size, SHA-256). Each invoice
is then validated on its own: the session ends 200 (some may have failed) or 445 (none valid).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from omnistock.invoicing.ksef.auth import PublicKeys
from omnistock.invoicing.ksef.crypto import SessionKey, digest
from omnistock.invoicing.ksef.errors import InvoiceRejected, KsefSessionFailed
from omnistock.invoicing.ksef.http import BearerSource, KsefHttp
from omnistock.invoicing.ksef.online import FORM_CODE
from omnistock.invoicing.ksef.poll import Poller
from omnistock.invoicing.ksef.results import BatchReport, Outcome
from omnistock.invoicing.ksef.sessions import SessionReader

__all__ = ["BatchSender", "build_zip", "split"]

MAX_PARTS = 50
DONE = frozenset({200, 445})


def build_zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A deflated ZIP holding each ``(name, xml)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def split(data: bytes, part_size: int) -> list[bytes]:
    """``data`` cut into consecutive parts of at most ``part_size`` bytes."""
    return [data[i : i + part_size] for i in range(0, len(data), part_size)] or [b""]


class BatchSender:
    """Sends invoices through one batch session and collects the per-invoice outcomes."""

    def __init__(
        self,
        http: KsefHttp,
        bearer: BearerSource,
        keys: PublicKeys,
        poller: Poller,
        reader: SessionReader,
        *,
        part_size: int,
    ) -> None:
        self._http, self._bearer, self._keys = http, bearer, keys
        self._poller, self._reader, self._part_size = poller, reader, part_size

    def send(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """Send ``(name, xml)`` files (unique names); a report in input order."""
        key = SessionKey.generate()
        archive = build_zip(files)
        parts = [key.encrypt(p) for p in split(archive, self._part_size)]
        if len(parts) > MAX_PARTS:
            raise ValueError(f"batch of {len(archive)} bytes needs more than {MAX_PARTS} parts")
        session = self._open(key, archive, parts, offline_mode)
        reference = session["referenceNumber"]
        self._upload(session["partUploadRequests"], parts)
        self._http.call("POST", f"/sessions/batch/{reference}/close", bearer=self._bearer)
        status = self._wait(reference)
        return BatchReport(
            session_reference=reference,
            outcomes=self._outcomes(reference, files),
            upo_pages=self._upo(reference, status),
        )

    def _open(
        self, key: SessionKey, archive: bytes, parts: list[bytes], offline_mode: bool
    ) -> dict[str, Any]:
        whole = digest(archive)
        described = [digest(p) for p in parts]
        body = {
            "formCode": FORM_CODE,
            "batchFile": {
                "fileSize": whole.size,
                "fileHash": whole.hash,
                "compressionType": "Zip",
                "fileParts": [
                    {"ordinalNumber": n, "fileSize": d.size, "fileHash": d.hash}
                    for n, d in enumerate(described, start=1)
                ],
            },
            "encryption": key.encryption_info(self._keys.symmetric),
            "offlineMode": offline_mode,
        }
        return dict(
            self._http.call("POST", "/sessions/batch", bearer=self._bearer, json=body).json()
        )

    def _upload(self, requests: list[dict[str, Any]], parts: list[bytes]) -> None:
        for request in sorted(requests, key=lambda r: r["ordinalNumber"]):
            content = parts[request["ordinalNumber"] - 1]
            self._http.upload(
                request["method"], request["url"], content, request.get("headers") or {}
            )

    def _wait(self, reference: str) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            status = self._reader.session_status(reference)
            code = status["status"]["code"]
            return status if code in DONE or code >= 400 else None

        status = self._poller.until(check, what="batch session", reference=reference)
        code = status["status"]["code"]
        if code not in DONE:
            info = status["status"]
            details = "; ".join(info.get("details") or [])
            raise KsefSessionFailed(
                f"KSeF batch session {reference} failed ({code} {info['description']}"
                f"{': ' + details if details else ''})",
                code=code,
                reference=reference,
            )
        return status

    def _outcomes(self, reference: str, files: Sequence[tuple[str, bytes]]) -> tuple[Outcome, ...]:
        statuses = {s.get("invoiceFileName"): s for s in self._reader.invoices(reference)}
        return tuple(
            self._outcome(reference, name, data, statuses.get(name)) for name, data in files
        )

    def _outcome(
        self, reference: str, name: str, data: bytes, status: dict[str, Any] | None
    ) -> Outcome:
        our_hash = digest(data).hash
        if status is None:
            error = InvoiceRejected(
                f"KSeF lists no result for {name}", code=0, invoice_hash=our_hash
            )
            return Outcome(name=name, invoice_hash=our_hash, error=error)
        try:
            accepted = self._reader.outcome(reference, status, our_hash, upo=False)
        except InvoiceRejected as exc:
            return Outcome(name=name, invoice_hash=our_hash, error=exc)
        return Outcome(name=name, invoice_hash=our_hash, accepted=accepted)

    def _upo(self, reference: str, status: dict[str, Any]) -> tuple[bytes, ...]:
        pages = (status.get("upo") or {}).get("pages") or []
        return tuple(self._reader.session_upo(reference, p["referenceNumber"]) for p in pages)
