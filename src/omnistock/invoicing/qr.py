"""KOD I: the verification link of an invoice and its QR code (KSeF ``kody-qr``).

``{qr host}/invoice/{seller NIP}/{P_1 as DD-MM-YYYY}/{Base64URL(SHA-256 of the XML file)}`` — the
hash of the exact bytes sent to KSeF, URL-safe alphabet, no padding. Hosts: TEST
``https://qr-test.ksef.mf.gov.pl``, DEMO ``https://qr-demo.ksef.mf.gov.pl``, PRD
``https://qr.ksef.mf.gov.pl``.
"""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import date

import segno

__all__ = ["qr_png", "verification_link"]


def verification_link(base: str, seller_nip: str, issue_date: date, xml: bytes) -> str:
    """The KOD I link of the invoice whose FA(3) file is ``xml``."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(xml).digest()).rstrip(b"=").decode()
    return f"{base.rstrip('/')}/invoice/{seller_nip}/{issue_date:%d-%m-%Y}/{digest}"


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """A PNG QR code (ISO/IEC 18004, error correction M) of ``text``."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
