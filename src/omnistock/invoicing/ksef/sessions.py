"""Reading session results: invoice statuses → ``Accepted`` or a typed rejection, UPOs, 440s.

A 440 (duplicate) names the original's KSeF number and session. The original's SHA-256 is read
from that session's invoice list: equal to ours → the earlier attempt was accepted and we return
its number (``already_submitted``); different → ``InvoiceDuplicate`` (a numbering bug).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from omnistock.invoicing.ksef.errors import InvoiceDuplicate, InvoiceRejected, rejection
from omnistock.invoicing.ksef.http import BearerSource, KsefHttp
from omnistock.invoicing.ksef.results import Accepted

__all__ = ["SessionReader"]

PENDING = frozenset({100, 150})
Status = dict[str, Any]


class SessionReader:
    """Status, invoice list and UPO reads of any session of the authenticated seller."""

    def __init__(self, http: KsefHttp, bearer: BearerSource, page_size: int) -> None:
        self._http, self._bearer, self._page_size = http, bearer, page_size
        self._originals: dict[str, dict[str, Status]] = {}  # session → KSeF number → status

    def _get(self, path: str, **kwargs: Any) -> Any:
        return self._http.call("GET", path, bearer=self._bearer, **kwargs)

    def session_status(self, session: str) -> Status:
        """``GET /sessions/{ref}``."""
        return dict(self._get(f"/sessions/{session}").json())

    def invoice_status(self, session: str, invoice: str) -> Status:
        """``GET /sessions/{ref}/invoices/{invoiceRef}``."""
        return dict(self._get(f"/sessions/{session}/invoices/{invoice}").json())

    def invoices(self, session: str) -> Iterator[Status]:
        """Every invoice of a session, following ``continuationToken`` pages."""
        token: str | None = None
        while True:
            headers = {"x-continuation-token": token} if token else {}
            page = self._get(
                f"/sessions/{session}/invoices",
                params={"pageSize": self._page_size},
                headers=headers,
            ).json()
            yield from page["invoices"]
            token = page.get("continuationToken")
            if not token:
                return

    def invoice_upo(self, session: str, ksef_number: str) -> bytes:
        """The invoice's UPO XML (``/sessions/{ref}/invoices/ksef/{ksefNumber}/upo``)."""
        return bytes(self._get(f"/sessions/{session}/invoices/ksef/{ksef_number}/upo").content)

    def session_upo(self, session: str, upo_reference: str) -> bytes:
        """One page of the collective UPO."""
        return bytes(self._get(f"/sessions/{session}/upo/{upo_reference}").content)

    def outcome(self, session: str, status: Status, our_hash: str, *, upo: bool) -> Accepted:
        """``Accepted`` for status 200 (or a 440 of our own document); else raise the rejection."""
        code = status["status"]["code"]
        if code == 200:
            return self._accepted(session, status, upo=upo)
        if code == 440:
            return self._duplicate(status, our_hash, upo=upo)
        raise self._rejection(status, our_hash)

    def _accepted(
        self, session: str, status: Status, *, upo: bool, already: bool = False
    ) -> Accepted:
        number = status["ksefNumber"]
        acquired = status.get("acquisitionDate")
        return Accepted(
            ksef_number=number,
            invoice_number=status.get("invoiceNumber"),
            invoice_hash=status["invoiceHash"],
            session_reference=session,
            invoice_reference=status["referenceNumber"],
            acquired_at=datetime.fromisoformat(acquired) if acquired else None,
            upo=self.invoice_upo(session, number) if upo else None,
            already_submitted=already,
        )

    def _duplicate(self, status: Status, our_hash: str, *, upo: bool) -> Accepted:
        ext = status["status"].get("extensions") or {}
        session, number = ext.get("originalSessionReferenceNumber"), ext.get("originalKsefNumber")
        original = None
        if session and number:
            original = next(
                (i for i in self.invoices(session) if i.get("ksefNumber") == number), None
            )
        if original is not None and original["invoiceHash"] == our_hash:
            return self._accepted(str(session), original, upo=upo, already=True)
        raise InvoiceDuplicate(
            f"KSeF already holds invoice {status.get('invoiceNumber') or '?'} as {number} "
            "with different content (same seller NIP, kind and number): numbering conflict",
            code=440,
            details=status["status"].get("details") or (),
            number=status.get("invoiceNumber"),
            invoice_hash=our_hash,
            original_ksef_number=number,
            original_session=session,
        )

    def _original(self, session: str, number: str) -> Status | None:
        """The accepted invoice ``number`` of ``session`` (each session listed once)."""
        if session not in self._originals:
            accepted = (i for i in self.invoices(session) if i.get("ksefNumber"))
            self._originals[session] = {i["ksefNumber"]: i for i in accepted}
        return self._originals[session].get(number)

    @staticmethod
    def _rejection(status: Status, our_hash: str) -> InvoiceRejected:
        info = status["status"]
        return rejection(
            info["code"],
            info.get("description", ""),
            info.get("details") or (),
            number=status.get("invoiceNumber"),
            invoice_hash=our_hash,
        )
