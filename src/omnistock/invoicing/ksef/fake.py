"""``InMemoryKsef``: the client's behaviour without HTTP, for service unit tests and dry runs.

Same contract as ``KsefClient.submit``/``send`` (checked by one shared test suite against both):
XSD-invalid → ``InvoiceSemanticInvalid``; BOM or malformed → ``InvoiceFileInvalid``; a second
(seller NIP, kind, number) with the same SHA-256 → the first ``Accepted`` with
``already_submitted``; with other content → ``InvoiceDuplicate``; ``unavailable = True`` →
``KsefUnavailable``. KSeF numbers carry a valid CRC-8. Every call is recorded in ``sent``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from omnistock.domain.errors import InvalidFile
from omnistock.domain.invoicing.ksef_number import ksef_checksum
from omnistock.invoicing.fa3_schema import default_schema, parse_document
from omnistock.invoicing.ksef.crypto import sha256_b64
from omnistock.invoicing.ksef.errors import (
    InvoiceDuplicate,
    InvoiceFileInvalid,
    InvoiceRejected,
    InvoiceSemanticInvalid,
    KsefUnavailable,
)
from omnistock.invoicing.ksef.results import Accepted, BatchReport, Outcome

__all__ = ["InMemoryKsef"]

NS = "{http://crd.gov.pl/wzor/2025/06/25/13775/}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class InMemoryKsef:
    """A KSeF for one seller context, in memory."""

    def __init__(self, nip: str, *, now: Callable[[], datetime] = _utcnow) -> None:
        self.nip, self._now = nip, now
        self.unavailable = False
        self.sent: list[bytes] = []
        self.accepted: dict[tuple[str, str, str], Accepted] = {}
        self._counter = itertools.count(1)

    def submit(self, xml: bytes, *, offline_mode: bool = False) -> Accepted:
        """Accept or reject one invoice like an online session would."""
        if self.unavailable:
            raise KsefUnavailable("KSeF (in memory) is switched off", status=503)
        self.sent.append(xml)
        invoice_hash = sha256_b64(xml)
        key = self._key(xml, invoice_hash)
        known = self.accepted.get(key)
        if known is not None:
            return self._again(known, invoice_hash)
        number = self._number()
        self.accepted[key] = Accepted(
            ksef_number=number, invoice_number=key[2], invoice_hash=invoice_hash,
            session_reference="IN-MEMORY", invoice_reference=f"IN-MEMORY-{number[-9:]}",
            acquired_at=self._now(), upo=f"<UPO>{number}</UPO>".encode(),
        )  # fmt: skip
        return self.accepted[key]

    def send(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """Every file, rejections as outcomes."""
        outcomes = [self._outcome(name, xml, offline_mode) for name, xml in files]
        return BatchReport(session_reference="IN-MEMORY", outcomes=tuple(outcomes), upo_pages=())

    def _outcome(self, name: str, xml: bytes, offline_mode: bool) -> Outcome:
        try:
            accepted = self.submit(xml, offline_mode=offline_mode)
        except InvoiceRejected as exc:
            return Outcome(name=name, invoice_hash=sha256_b64(xml), error=exc)
        return Outcome(name=name, invoice_hash=accepted.invoice_hash, accepted=accepted)

    def _key(self, xml: bytes, invoice_hash: str) -> tuple[str, str, str]:
        try:
            root = parse_document(xml)
        except InvalidFile as exc:
            raise InvoiceFileInvalid(
                f"KSeF rejected invoice ? (430 {exc.message})", code=430,
                details=(exc.message,), invoice_hash=invoice_hash,
            ) from exc  # fmt: skip
        number = root.findtext(f"{NS}Fa/{NS}P_2")
        problems = default_schema().problems(root)
        if problems:
            details = tuple(f"{p.path}: {p.message}" for p in problems[:5])
            raise InvoiceSemanticInvalid(
                f"KSeF rejected invoice {number} (450 not valid FA(3))", code=450,
                details=details, number=number, invoice_hash=invoice_hash,
            )  # fmt: skip
        seller = root.findtext(f"{NS}Podmiot1/{NS}DaneIdentyfikacyjne/{NS}NIP") or ""
        return seller, root.findtext(f"{NS}Fa/{NS}RodzajFaktury") or "", number or ""

    def _again(self, known: Accepted, invoice_hash: str) -> Accepted:
        if known.invoice_hash == invoice_hash:
            return replace(known, already_submitted=True)
        raise InvoiceDuplicate(
            f"KSeF already holds invoice {known.invoice_number} as {known.ksef_number} "
            "with different content (same seller NIP, kind and number): numbering conflict",
            code=440, number=known.invoice_number, invoice_hash=invoice_hash,
            original_ksef_number=known.ksef_number, original_session=known.session_reference,
        )  # fmt: skip

    def _number(self) -> str:
        body = f"{self.nip}-{self._now():%Y%m%d}-{next(self._counter):012X}"
        return f"{body}-{ksef_checksum(body)}"
