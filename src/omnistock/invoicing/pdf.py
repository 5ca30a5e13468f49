"""The PDF visualisation of an FA(3) invoice: Polish labels, amounts, KSeF number, KOD I QR code.

Everything printed is read from the stored FA(3) bytes (the legal document), so the PDF can never
disagree with what went to KSeF. The font must have Polish glyphs: ``OMNISTOCK_PDF_FONT`` (a TTF
path), else DejaVu Sans from Debian's ``fonts-dejavu-core``; without one, :func:`find_font`
raises a clear error rather than printing "?" for "ą".
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF

from omnistock.domain.errors import InvalidValue
from omnistock.invoicing.fa3_schema import NS, parse_document
from omnistock.invoicing.qr import qr_png, verification_link

__all__ = ["FONT_CANDIDATES", "PdfInvoice", "find_font", "render_pdf"]

FONT_ENV = "OMNISTOCK_PDF_FONT"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/local/share/fonts/DejaVuSans.ttf"),
)
Q = "{" + NS + "}"


def find_font(environ: Mapping[str, str]) -> Path:
    """A TTF font with Polish glyphs; ``InvalidValue`` (``pdf.font``) naming what to install."""
    configured = environ.get(FONT_ENV)
    candidates = (Path(configured),) if configured else FONT_CANDIDATES
    for path in candidates:
        if path.is_file():
            return path
    message = (
        f"no TrueType font with Polish glyphs at {', '.join(map(str, candidates))}; "
        f"install fonts-dejavu-core or set {FONT_ENV} to a .ttf file"
    )
    raise InvalidValue(message, field="pdf.font")


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfInvoice:
    """What the PDF needs besides the XML: the KSeF number (if any) and the QR host."""

    xml: bytes
    ksef_number: str | None
    qr_base: str
    offline: bool = False


def money(value: str | None, currency: str) -> str:
    """``1234.5`` → ``1 234,50 PLN`` (Polish grouping and decimal comma)."""
    amount = Decimal(value or "0").quantize(Decimal("0.01"))
    whole, _, cents = f"{abs(amount):,.2f}".partition(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{whole.replace(',', ' ')},{cents} {currency}"


def _t(element: Any, path: str) -> str:
    found = element.find("/".join(Q + part for part in path.split("/")))
    return "" if found is None or found.text is None else str(found.text)


class _Sheet:
    """An A4 page written top to bottom with one Unicode font."""

    def __init__(self, font: Path) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_font("Body", "", str(font))
        self.pdf.add_page()
        self.size(10)

    def size(self, points: float) -> None:
        self.pdf.set_font("Body", size=points)

    def line(self, text: str, height: float = 5) -> None:
        self.pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[float]) -> None:
        for text, width in zip(cells, widths, strict=True):
            self.pdf.cell(width, 6, text, border=1)
        self.pdf.ln(6)


WIDTHS = [8.0, 64.0, 14.0, 12.0, 26.0, 14.0, 42.0]


def _party(sheet: _Sheet, title: str, element: Any) -> None:
    sheet.size(11)
    sheet.line(title)
    sheet.size(10)
    sheet.line(_t(element, "DaneIdentyfikacyjne/Nazwa"))
    nip = _t(element, "DaneIdentyfikacyjne/NIP")
    sheet.line(f"NIP: {nip}" if nip else "Nabywca bez NIP (osoba fizyczna)")
    sheet.line(f"{_t(element, 'Adres/AdresL1')}, {_t(element, 'Adres/AdresL2')}".strip(", "))
    sheet.line(_t(element, "Adres/KodKraju"))


def _lines(sheet: _Sheet, fa: Any, currency: str) -> None:
    gross = fa.find(f"{Q}FaWiersz/{Q}P_11A") is not None
    price = "Cena brutto" if gross else "Cena netto"
    value = "Wartość brutto" if gross else "Wartość netto"
    sheet.row(["Lp.", "Nazwa towaru lub usługi", "Ilość", "J.m.", price, "VAT", value], WIDTHS)
    for row in fa.findall(f"{Q}FaWiersz"):
        before = " (przed)" if _t(row, "StanPrzed") == "1" else ""
        cells = [
            _t(row, "NrWierszaFa"), (_t(row, "P_7") + before)[:40], _t(row, "P_8B"),
            _t(row, "P_8A"), _t(row, "P_9B" if gross else "P_9A"), _t(row, "P_12"),
            money(_t(row, "P_11A" if gross else "P_11"), currency),
        ]  # fmt: skip
        sheet.row(cells, WIDTHS)


def _totals(sheet: _Sheet, fa: Any, currency: str) -> None:
    sheet.pdf.ln(2)
    for group, rate in (("1", "23/22%"), ("2", "8/7%"), ("3", "5%"), ("4", "4/3%")):
        net = _t(fa, f"P_13_{group}")
        if net:
            vat = money(_t(fa, f"P_14_{group}"), currency)
            sheet.line(f"Stawka {rate}: netto {money(net, currency)}, VAT {vat}")
            if _t(fa, f"P_14_{group}W"):
                sheet.line(f"   VAT w PLN (kurs NBP): {money(_t(fa, f'P_14_{group}W'), 'PLN')}")
    sheet.size(12)
    sheet.line(f"Razem do zapłaty: {money(_t(fa, 'P_15'), currency)}", 7)
    sheet.size(10)


def _header(sheet: _Sheet, fa: Any, invoice: PdfInvoice) -> None:
    kind = _t(fa, "RodzajFaktury")
    sheet.size(16)
    sheet.line("Faktura korygująca" if kind == "KOR" else "Faktura VAT", 9)
    sheet.size(10)
    sheet.line(f"Numer faktury: {_t(fa, 'P_2')}")
    sheet.line(f"Data wystawienia: {_t(fa, 'P_1')}")
    sheet.line(f"Numer KSeF: {invoice.ksef_number or '— (jeszcze nie przyjęta przez KSeF)'}")
    if kind == "KOR":
        sheet.line(f"Przyczyna korekty: {_t(fa, 'PrzyczynaKorekty')}")
        corrected = "DaneFaKorygowanej/NrFaKorygowanej"
        sheet.line(f"Faktura korygowana: {_t(fa, corrected)}")
        sheet.line(
            f"Numer KSeF faktury korygowanej: {_t(fa, 'DaneFaKorygowanej/NrKSeFFaKorygowanej')}"
        )
    sheet.pdf.ln(3)


def _qr(sheet: _Sheet, root: Any, invoice: PdfInvoice) -> None:
    nip = _t(root, "Podmiot1/DaneIdentyfikacyjne/NIP")
    issued = date.fromisoformat(_t(root, "Fa/P_1"))
    link = verification_link(invoice.qr_base, nip, issued, invoice.xml)
    sheet.pdf.ln(4)
    top = sheet.pdf.get_y()
    sheet.pdf.image(io.BytesIO(qr_png(link)), x=sheet.pdf.l_margin, y=top, w=40, h=40)
    sheet.pdf.set_y(top + 41)
    sheet.size(8)
    sheet.line("OFFLINE" if invoice.offline else (invoice.ksef_number or "OFFLINE"))
    sheet.line(f"Zweryfikuj fakturę w KSeF: {link}")


def render_pdf(invoice: PdfInvoice, *, font: Path) -> bytes:
    """The PDF of the FA(3) document ``invoice.xml``."""
    root = parse_document(invoice.xml)
    fa = root.find(f"{Q}Fa")
    currency = _t(fa, "KodWaluty") or "PLN"
    sheet = _Sheet(font)
    _header(sheet, fa, invoice)
    _party(sheet, "Sprzedawca", root.find(f"{Q}Podmiot1"))
    sheet.pdf.ln(2)
    _party(sheet, "Nabywca", root.find(f"{Q}Podmiot2"))
    sheet.pdf.ln(3)
    _lines(sheet, fa, currency)
    _totals(sheet, fa, currency)
    _qr(sheet, root, invoice)
    return bytes(sheet.pdf.output())
