"""The PDF: opens, carries the number, the KSeF number, Polish text and the KOD I QR code."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import Address, Buyer, Invoice, InvoiceLine, Seller
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import render
from omnistock.invoicing.pdf import PdfInvoice, find_font, money, render_pdf
from omnistock.invoicing.qr import verification_link

QR_BASE = "https://qr-test.ksef.mf.gov.pl"
KSEF_NUMBER = "5265877635-20250826-0100001AF629-AF"
INVOICE = Invoice(
    number="FV/2026/11/0007",
    issue_date=date(2026, 11, 27),
    seller=Seller(nip="5261040828", name="Przykładowy Sklep sp. z o.o.",
                  address=Address(line1="ul. Prosta 1", line2="00-001 Warszawa")),
    buyer=Buyer.consumer(name="Zofia Źdźbło", address=Address(line1="ul. Krótka 2")),
    lines=(InvoiceLine(name="Kubek żółty", quantity=Decimal(3), gross_price=Decimal("12.30"),
                       vat=VatRate.R23),),
)  # fmt: skip
XML = render(INVOICE, created_at=datetime(2026, 11, 27, 12, tzinfo=UTC))
FONT = find_font({})  # the machine has fonts-dejavu-core; a missing font is its own test


def pdf(**kw: object) -> bytes:
    values: dict[str, object] = {"xml": XML, "ksef_number": KSEF_NUMBER,
                                 "qr_base": "https://qr-test.ksef.mf.gov.pl"}  # fmt: skip
    return render_pdf(PdfInvoice(**values | kw), font=FONT)  # type: ignore[arg-type]


def test_the_pdf_opens_and_shows_number_ksef_number_and_polish_text() -> None:
    text = PdfReader(io.BytesIO(pdf())).pages[0].extract_text()
    for expected in ("FV/2026/11/0007", KSEF_NUMBER, "Zofia Źdźbło", "Kubek żółty",
                     "Razem do zapłaty", "36,90 PLN", "Sprzedawca", "Nabywca"):  # fmt: skip
        assert expected in text


def test_the_verification_link_is_kod_i_of_the_exact_xml() -> None:
    digest = base64.urlsafe_b64encode(hashlib.sha256(XML).digest()).decode().rstrip("=")
    link = verification_link(
        "https://qr-test.ksef.mf.gov.pl", "5261040828", date(2026, 11, 27), XML
    )
    assert link == f"https://qr-test.ksef.mf.gov.pl/invoice/5261040828/27-11-2026/{digest}"
    assert len(digest) == 43
    text = PdfReader(io.BytesIO(pdf())).pages[0].extract_text().replace("\n", "")
    assert link in text


def test_the_qr_image_encodes_the_link() -> None:
    """No QR decoder here: the embedded image's modules equal segno's matrix for the link."""
    link = verification_link(
        "https://qr-test.ksef.mf.gov.pl", "5261040828", date(2026, 11, 27), XML
    )
    page = PdfReader(io.BytesIO(pdf())).pages[0]
    (embedded,) = page.images
    image = Image.open(io.BytesIO(embedded.data)).convert("L")
    matrix = segno.make(link, error="m").matrix
    scale, border = 4, 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            pixel = image.getpixel(((x + border) * scale + 1, (y + border) * scale + 1))
            assert (pixel < 128) == bool(dark)


def test_an_invoice_not_yet_in_ksef_says_so() -> None:
    text = PdfReader(io.BytesIO(pdf(ksef_number=None))).pages[0].extract_text()
    assert "jeszcze nie przyjęta" in text


def test_a_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="fonts-dejavu-core") as caught:
        find_font({"OMNISTOCK_PDF_FONT": str(tmp_path / "none.ttf")})
    assert caught.value.field == "pdf.font"


@pytest.mark.parametrize(
    ("value", "text"),
    [("1234.5", "1 234,50 PLN"), ("-12.3", "-12,30 PLN"), ("0", "0,00 PLN")],
)
def test_amounts_are_written_the_polish_way(value: str, text: str) -> None:
    assert money(value, "PLN") == text
