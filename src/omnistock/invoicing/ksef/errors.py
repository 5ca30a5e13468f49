"""What can go wrong talking to KSeF, as one tree the invoice service can act on.

::

    KsefError                       unexpected KSeF answer
    ├── KsefRetryable               try again later (``retry_after`` seconds when KSeF said so)
    │   ├── KsefUnavailable         5xx, timeout, connection refused → offline mode
    │   ├── KsefRateLimited         429 still answered after the allowed waits
    │   └── KsefPending             still processing when polling gave up (resume by reference)
    ├── KsefAuthFailed              token refused, authentication status 4xx, 401/403
    ├── KsefRequestRejected         HTTP 400 with KSeF exception codes (our request is wrong)
    ├── KsefSessionFailed           a session ended in an error status (415, 420, 430, 445 …)
    └── InvoiceRejected             one invoice's status is an error (``code`` 405…550)
        ├── InvoiceFileInvalid      430: bytes/hash/size/BOM/not well-formed XML
        ├── InvoiceDecryptionFailed 435: could not decrypt the invoice
        ├── InvoiceDuplicate        440: same (seller NIP, kind, number) with *other* content
        └── InvoiceSemanticInvalid  450: XSD/semantic error

A 440 whose original has the same SHA-256 as ours is **not** an error: the client resolves it to
the original KSeF number (``Accepted.already_submitted``). Nothing above this package sees httpx.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "InvoiceDecryptionFailed",
    "InvoiceDuplicate",
    "InvoiceFileInvalid",
    "InvoiceRejected",
    "InvoiceSemanticInvalid",
    "KsefAuthFailed",
    "KsefError",
    "KsefPending",
    "KsefRateLimited",
    "KsefRequestRejected",
    "KsefRetryable",
    "KsefSessionFailed",
    "KsefUnavailable",
    "rejection",
]


class KsefError(Exception):
    """Unexpected KSeF answer."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class KsefRetryable(KsefError):
    """KSeF could not take the request now; the same request may succeed later."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class KsefUnavailable(KsefRetryable):
    """KSeF is unreachable or failing (5xx, timeout): issue offline and submit later."""


class KsefRateLimited(KsefRetryable):
    """KSeF answered 429 and the allowed waits are used up; wait ``retry_after`` seconds."""


class KsefPending(KsefRetryable):
    """KSeF is still processing; poll ``reference`` again later (nothing is lost)."""

    def __init__(self, message: str, *, reference: str) -> None:
        super().__init__(message)
        self.reference = reference


class KsefAuthFailed(KsefError):
    """KSeF refused our credentials (wrong/revoked token, no permission, expired session)."""


class KsefRequestRejected(KsefError):
    """KSeF refused the request itself (HTTP 400); ``codes`` are its exception codes."""

    def __init__(
        self, message: str, *, status: int | None = None, codes: Sequence[int] = ()
    ) -> None:
        super().__init__(message, status=status)
        self.codes = tuple(codes)


class KsefSessionFailed(KsefError):
    """A session ended in an error status; ``code`` is KSeF's session status code."""

    def __init__(self, message: str, *, code: int, reference: str) -> None:
        super().__init__(message)
        self.code = code
        self.reference = reference


class InvoiceRejected(KsefError):
    """KSeF did not accept one invoice; ``code``/``details`` are its status, ``number`` our P_2."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        details: Sequence[str] = (),
        number: str | None = None,
        invoice_hash: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.details = tuple(details)
        self.number = number
        self.invoice_hash = invoice_hash


class InvoiceFileInvalid(InvoiceRejected):
    """430: the file failed verification (size/hash mismatch, BOM, not well-formed XML)."""


class InvoiceDecryptionFailed(InvoiceRejected):
    """435: KSeF could not decrypt the invoice (AES key/IV/padding)."""


class InvoiceSemanticInvalid(InvoiceRejected):
    """450: the invoice breaks the FA(3) schema or KSeF's semantic rules; fix and resend."""


class InvoiceDuplicate(InvoiceRejected):
    """440 for a *different* document with the same (seller NIP, kind, number): a numbering bug."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        details: Sequence[str] = (),
        number: str | None = None,
        invoice_hash: str | None = None,
        original_ksef_number: str | None = None,
        original_session: str | None = None,
    ) -> None:
        super().__init__(
            message, code=code, details=details, number=number, invoice_hash=invoice_hash
        )
        self.original_ksef_number = original_ksef_number
        self.original_session = original_session


_BY_CODE: dict[int, type[InvoiceRejected]] = {
    430: InvoiceFileInvalid,
    435: InvoiceDecryptionFailed,
    450: InvoiceSemanticInvalid,
}

_WHAT: dict[int, str] = {
    405: "cancelled because of a session error; resend in a new session",
    410: "the token lacks the permission to send invoices",
    415: "sending invoices with attachments is not enabled for this seller",
    430: "the invoice file failed verification (size, hash, BOM or malformed XML)",
    435: "KSeF could not decrypt the invoice",
    450: "the invoice is not valid FA(3) (schema or semantic error)",
    500: "KSeF failed with an unknown error; resend later",
    550: "KSeF cancelled the processing; resend later",
}


def rejection(
    code: int, description: str, details: Sequence[str], *, number: str | None, invoice_hash: str
) -> InvoiceRejected:
    """The typed error for an invoice status ``code`` (not 440: see ``InvoiceDuplicate``)."""
    cls = _BY_CODE.get(code, InvoiceRejected)
    what = _WHAT.get(code, description)
    detail = f": {'; '.join(details)}" if details else ""
    message = f"KSeF rejected invoice {number or '?'} ({code} {what}){detail}"
    return cls(message, code=code, details=details, number=number, invoice_hash=invoice_hash)
