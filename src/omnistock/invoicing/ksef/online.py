"""An interactive (online) session: open with a wrapped AES key, send, poll, close.

Each invoice is sent as ``invoiceHash``/``invoiceSize`` of the plain XML bytes plus the
AES-256-CBC ciphertext and its own hash/size. A 2xx answer only means "received": the outcome is
read by polling the invoice status.
"""

from __future__ import annotations

from typing import Any

from omnistock.invoicing.ksef.auth import PublicKeys
from omnistock.invoicing.ksef.crypto import SessionKey, b64, digest
from omnistock.invoicing.ksef.errors import InvoiceRejected
from omnistock.invoicing.ksef.http import BearerSource, KsefHttp
from omnistock.invoicing.ksef.poll import Poller
from omnistock.invoicing.ksef.results import Accepted
from omnistock.invoicing.ksef.sessions import PENDING, SessionReader

__all__ = ["FORM_CODE", "OnlineSession", "wait_outcome"]

FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


class OnlineSession:
    """One online session; use as a context manager (closes on exit)."""

    def __init__(
        self,
        http: KsefHttp,
        bearer: BearerSource,
        keys: PublicKeys,
        poller: Poller,
        reader: SessionReader,
    ) -> None:
        self._http, self._bearer, self._poller, self._reader = http, bearer, poller, reader
        self._key = SessionKey.generate()
        body = {"formCode": FORM_CODE, "encryption": self._key.encryption_info(keys.symmetric)}
        opened = http.call("POST", "/sessions/online", bearer=bearer, json=body).json()
        self.reference: str = opened["referenceNumber"]
        self.closed = False

    def send(self, xml: bytes, *, offline_mode: bool = False) -> str:
        """Send one FA(3) document; the invoice reference to poll."""
        encrypted = self._key.encrypt(xml)
        plain, cipher = digest(xml), digest(encrypted)
        body: dict[str, Any] = {
            "invoiceHash": plain.hash,
            "invoiceSize": plain.size,
            "encryptedInvoiceHash": cipher.hash,
            "encryptedInvoiceSize": cipher.size,
            "encryptedInvoiceContent": b64(encrypted),
            "offlineMode": offline_mode,
        }
        path = f"/sessions/online/{self.reference}/invoices"
        answer = self._http.call("POST", path, bearer=self._bearer, json=body).json()
        return str(answer["referenceNumber"])

    def wait(self, invoice_reference: str, invoice_hash: str, *, upo: bool = True) -> Accepted:
        """Poll until processed: ``Accepted`` (with UPO) or raise an ``InvoiceRejected``."""

        def check() -> dict[str, Any] | None:
            status = self._reader.invoice_status(self.reference, invoice_reference)
            return None if status["status"]["code"] in PENDING else status

        status = self._poller.until(check, what="invoice", reference=invoice_reference)
        return self._reader.outcome(self.reference, status, invoice_hash, upo=upo)

    def submit(self, xml: bytes, *, offline_mode: bool = False) -> Accepted:
        """``send`` then ``wait``."""
        reference = self.send(xml, offline_mode=offline_mode)
        return self.wait(reference, digest(xml).hash)

    def close(self) -> None:
        """``POST /sessions/online/{ref}/close`` (starts the collective UPO); idempotent."""
        if not self.closed:
            path = f"/sessions/online/{self.reference}/close"
            self._http.call("POST", path, bearer=self._bearer)
            self.closed = True

    def __enter__(self) -> OnlineSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_outcome(
    session: OnlineSession, reference: str, xml: bytes
) -> tuple[Accepted | None, InvoiceRejected | None]:
    """``wait`` for an already-sent invoice with a rejection returned, not raised."""
    try:
        return session.wait(reference, digest(xml).hash), None
    except InvoiceRejected as exc:
        return None, exc
