"""Round-trips of what a stored invoice needs to be corrected later: lines, rate, parties.

Lines and the exchange rate are kept as JSON (no personal data); the parties are read back from the
stored FA(3) bytes (``Podmiot1``/``Podmiot2``), the legal document itself.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # no stubs

from omnistock.domain.invoicing import (
    Address,
    Buyer,
    BuyerTaxId,
    EuVatId,
    ExchangeRate,
    ForeignTaxId,
    InvoiceLine,
    NoTaxId,
    PolishNip,
    Seller,
)
from omnistock.invoicing.fa3_schema import NS as FA3_NS

__all__ = ["dump_document", "load_document", "read_parties"]

NS = "{" + FA3_NS + "}"


def _line(line: InvoiceLine) -> dict[str, Any]:
    return {
        "name": line.name, "quantity": str(line.quantity), "vat": line.vat.value,
        "net_price": None if line.net_price is None else str(line.net_price),
        "gross_price": None if line.gross_price is None else str(line.gross_price),
        "unit": line.unit, "gtin": line.gtin, "sku": line.sku, "annex15": line.annex15,
    }  # fmt: skip


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def dump_document(lines: tuple[InvoiceLine, ...], exchange: ExchangeRate | None) -> str:
    """JSON of the lines (and the rate) a document ends with."""
    rate = None
    if exchange is not None:
        rate = {"currency": exchange.currency, "rate": str(exchange.rate),
                "effective": exchange.effective.isoformat(), "table": exchange.table}  # fmt: skip
    return json.dumps({"lines": [_line(x) for x in lines], "exchange": rate}, ensure_ascii=False)


def load_document(text: str) -> tuple[tuple[InvoiceLine, ...], ExchangeRate | None]:
    data = json.loads(text)
    lines = tuple(
        InvoiceLine(
            name=x["name"],
            quantity=Decimal(x["quantity"]),
            vat=x["vat"],
            net_price=_dec(x["net_price"]),
            gross_price=_dec(x["gross_price"]),
            unit=x["unit"],
            gtin=x["gtin"],
            sku=x["sku"],
            annex15=x["annex15"],
        )
        for x in data["lines"]
    )
    rate = data.get("exchange")
    exchange = None
    if rate:
        exchange = ExchangeRate(
            currency=rate["currency"], rate=Decimal(rate["rate"]),
            effective=date.fromisoformat(rate["effective"]), table=rate["table"],
        )  # fmt: skip
    return lines, exchange


def _text(element: Any, path: str) -> str | None:
    found = element.find(_ns(path))
    return None if found is None else str(found.text or "")


def _ns(path: str) -> str:
    return "/".join(f"{NS}{part}" for part in path.split("/"))


def _address(element: Any) -> Address | None:
    line1 = _text(element, "Adres/AdresL1")
    if line1 is None:
        return None
    country = _text(element, "Adres/KodKraju") or "PL"
    return Address(line1=line1, line2=_text(element, "Adres/AdresL2"), country=country)


def _tax_id(element: Any) -> BuyerTaxId:
    nip = _text(element, "DaneIdentyfikacyjne/NIP")
    if nip:
        return PolishNip(value=nip)
    vat_ue = _text(element, "DaneIdentyfikacyjne/NrVatUE")
    if vat_ue:
        return EuVatId(country=_text(element, "DaneIdentyfikacyjne/KodUE") or "", number=vat_ue)
    foreign = _text(element, "DaneIdentyfikacyjne/NrID")
    if foreign:
        return ForeignTaxId(number=foreign, country=_text(element, "DaneIdentyfikacyjne/KodKraju"))
    return NoTaxId()


def read_parties(xml: bytes) -> tuple[Seller, Buyer]:
    """Seller and buyer exactly as written on a stored FA(3) document."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    p1, p2 = root.find(_ns("Podmiot1")), root.find(_ns("Podmiot2"))
    seller = Seller(
        nip=_text(p1, "DaneIdentyfikacyjne/NIP") or "",
        name=_text(p1, "DaneIdentyfikacyjne/Nazwa") or "",
        address=_address(p1),
    )
    buyer = Buyer(
        tax_id=_tax_id(p2),
        name=_text(p2, "DaneIdentyfikacyjne/Nazwa") or "",
        address=_address(p2),
        email=_text(p2, "DaneKontaktowe/Email"),
        customer_number=_text(p2, "NrKlienta"),
        jst=_text(p2, "JST") == "1",
        gv=_text(p2, "GV") == "1",
    )
    return seller, buyer
