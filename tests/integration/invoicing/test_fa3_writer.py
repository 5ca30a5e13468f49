"""Every FA(3) document omnistock writes is valid against the official XSD and adds up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import (
    Address,
    Buyer,
    Correction,
    EuVatId,
    ExchangeRate,
    ForeignTaxId,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentForm,
    correct,
    delivery_line,
    ksef_checksum,
)
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import inspect, render
from omnistock.invoicing.fa3_schema import NS, Fa3Invalid, Fa3Schema
from omnistock.invoicing.fa3_writer import build, write

D = Decimal
N = {"f": NS}
ABROAD = Address(line1="Hauptstraße 5", line2="10115 Berlin", country="de")
EUR = ExchangeRate(
    currency="EUR", rate=D("4.3250"), effective=date(2026, 11, 25), table="230/A/NBP/2026"
)
KSEF_BODY = "5261040828-20261126-0100001AF629"
KSEF_NUMBER = f"{KSEF_BODY}-{ksef_checksum(KSEF_BODY)}"
ACCOUNT = "PL61109010140000071219812874"
CREATED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)


def texts(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).iterfind(path, N)]


def text(xml: bytes, path: str) -> str:
    (value,) = texts(xml, path)
    return value


def checked(document: Invoice | Correction, schema: Fa3Schema) -> bytes:
    """Render through the gate and assert the independent report is clean too."""
    xml = render(document, created_at=CREATED, schema=schema)
    report = inspect(xml, schema)
    assert report.ok, report
    return xml


def invoices(make_invoice: Callable[..., Invoice], make_line: Any) -> dict[str, Invoice]:
    """One invoice per shape omnistock must be able to issue."""
    consumer = Buyer.consumer(
        name="Jan Kowalski", address=Address(line1="ul. Długa 5/7, 30-001 Kraków")
    )
    return {
        "b2b": make_invoice(),
        "b2c": make_invoice(buyer=consumer),
        "eu_vat": make_invoice(
            make_line("100.00", vat=VatRate.R0_WDT),
            buyer=Buyer(
                tax_id=EuVatId(country="DE", number="123456789"), name="GmbH", address=ABROAD
            ),
        ),
        "export": make_invoice(
            make_line("100.00", vat=VatRate.R0_EX),
            buyer=Buyer(
                tax_id=ForeignTaxId(number="98-7654321", country="US"), name="Inc.", address=ABROAD
            ),
        ),
        "eur": make_invoice(make_line("406.00", quantity="10"), currency="EUR", exchange=EUR),
        "all_rates": make_invoice(
            *(make_line("0.10", vat=rate, quantity="3") for rate in VatRate),
            exemption_basis="art. 43 ust. 1 pkt 37 ustawy o VAT",
        ),
        "split": make_invoice(
            make_line("13000.00", annex15=True, name="Laptop"),
            make_line("20.00", name="Torba"),
            payment=Payment(
                form=PaymentForm.TRANSFER, due=date(2026, 12, 10), bank_account=ACCOUNT
            ),
        ),
        "receipt": make_invoice(to_receipt=True, place="Warszawa"),
        "b2c_gross": make_invoice(
            InvoiceLine(name="Kubek", quantity=D(3), gross_price=D("0.12"), vat=VatRate.R23),
            InvoiceLine(name="Herbata", quantity=D(2), gross_price=D("10.79"), vat=VatRate.R5),
            delivery_line(gross_price=D("14.99"), vat=VatRate.R23),
            buyer=consumer,
        ),
        "many_lines": make_invoice(*(make_line(f"{i}.99", quantity="2.5") for i in range(200))),
    }


SHAPES = [
    "b2b",
    "b2c",
    "b2c_gross",
    "eu_vat",
    "export",
    "eur",
    "all_rates",
    "split",
    "receipt",
    "many_lines",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_generated_invoice_is_valid_against_the_official_xsd(
    shape: str, make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)[shape], schema)
    assert xml.startswith(b"<?xml")  # UTF-8 without BOM


def test_header_parties_and_rounding_trap_in_the_xml(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(make_invoice(*(make_line("0.10") for _ in range(3))), schema)
    code = etree.fromstring(xml).find("f:Naglowek/f:KodFormularza", N)
    assert (code.get("kodSystemowy"), code.get("wersjaSchemy"), code.text) == (
        "FA (3)",
        "1-0E",
        "FA",
    )
    assert text(xml, "f:Naglowek/f:DataWytworzeniaFa") == "2026-11-26T10:15:00Z"
    assert text(xml, "f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP") == "1111111111"
    assert (text(xml, "f:Podmiot2/f:JST"), text(xml, "f:Podmiot2/f:GV")) == ("2", "2")
    assert (text(xml, "f:Fa/f:P_13_1"), text(xml, "f:Fa/f:P_14_1")) == ("0.30", "0.07")
    assert text(xml, "f:Fa/f:P_15") == "0.37"
    assert text(xml, "f:Fa/f:RodzajFaktury") == "VAT"
    assert text(xml, "f:Fa/f:P_6") == "2026-11-25"
    assert text(xml, "f:Fa/f:WarunkiTransakcji/f:Zamowienia/f:NrZamowienia") == "29990000-aaaa-11ef"


def test_adnotacje_has_all_children_in_xsd_order(
    make_invoice: Callable[..., Invoice], schema: Fa3Schema
) -> None:
    xml = checked(make_invoice(), schema)
    notes = etree.fromstring(xml).find("f:Fa/f:Adnotacje", N)
    names = [etree.QName(child).localname for child in notes]
    expected = [
        "P_16",
        "P_17",
        "P_18",
        "P_18A",
        "Zwolnienie",
        "NoweSrodkiTransportu",
        "P_23",
        "PMarzy",
    ]
    assert names == expected
    assert texts(xml, "f:Fa/f:Adnotacje/f:Zwolnienie/f:P_19N") == ["1"]


def test_consumer_invoice_says_brakid_and_never_a_nip(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)["b2c"], schema)
    assert text(xml, "f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID") == "1"
    assert texts(xml, "f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP") == []


def test_gross_priced_invoice_writes_gross_lines_and_per_rate_vat(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)["b2c_gross"], schema)
    assert texts(xml, "f:Fa/f:FaWiersz/f:P_9B") == ["0.12", "10.79", "14.99"]
    assert texts(xml, "f:Fa/f:FaWiersz/f:P_11A") == ["0.36", "21.58", "14.99"]
    assert texts(xml, "f:Fa/f:FaWiersz/f:P_11") == []
    # 23 %: gross 15.35 → VAT 2.8703… = 2.87, net 12.48; 5 %: 21.58 → VAT 1.0276… = 1.03
    assert (text(xml, "f:Fa/f:P_13_1"), text(xml, "f:Fa/f:P_14_1")) == ("12.48", "2.87")
    assert (text(xml, "f:Fa/f:P_13_3"), text(xml, "f:Fa/f:P_14_3")) == ("20.55", "1.03")
    assert text(xml, "f:Fa/f:P_15") == "36.93"


def test_eu_and_foreign_buyers_are_identified_by_their_ids(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    shapes = invoices(make_invoice, make_line)
    eu = checked(shapes["eu_vat"], schema)
    assert texts(eu, "f:Podmiot2/f:DaneIdentyfikacyjne/*") == ["DE", "123456789", "GmbH"]
    assert text(eu, "f:Podmiot2/f:Adres/f:KodKraju") == "DE"
    assert text(eu, "f:Fa/f:P_13_6_2") == "100.00"
    export = checked(shapes["export"], schema)
    assert texts(export, "f:Podmiot2/f:DaneIdentyfikacyjne/*") == ["US", "98-7654321", "Inc."]
    assert text(export, "f:Fa/f:P_13_6_3") == "100.00"


def test_foreign_currency_shows_vat_in_pln_and_the_rate_per_line(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)["eur"], schema)
    assert text(xml, "f:Fa/f:KodWaluty") == "EUR"
    assert (text(xml, "f:Fa/f:P_13_1"), text(xml, "f:Fa/f:P_14_1")) == ("4060.00", "933.80")
    assert text(xml, "f:Fa/f:P_14_1W") == "4038.69"  # 4060 × 0.23 × 4.3250 = 4038.685
    assert texts(xml, "f:Fa/f:FaWiersz/f:KursWaluty") == ["4.325"]


def test_two_rates_of_one_group_in_foreign_currency_add_up(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    # found by the property test: 23 % and 22 % share P_14_1W, each rounded on its own
    items = (make_line("1.10", vat=VatRate.R22, quantity="0.077"), make_line("0.45"))
    xml = checked(make_invoice(*items, currency="EUR", exchange=EUR), schema)
    # 22 %: 0.08 × 0.22 × 4.325 = 0.0761… → 0.08; 23 %: 0.45 × 0.23 × 4.325 = 0.4476… → 0.45
    assert text(xml, "f:Fa/f:P_14_1W") == "0.53"


def test_every_rate_lands_in_its_group(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)["all_rates"], schema)
    fa = etree.fromstring(xml).find("f:Fa", N)
    totals = {
        etree.QName(e).localname: e.text for e in fa if etree.QName(e).localname.startswith("P_1")
    }
    # each rate code is rounded on its own sum: 23 % 0.069 → 0.07, 22 % 0.066 → 0.07
    assert (totals["P_13_1"], totals["P_14_1"]) == ("0.60", "0.14")
    assert (totals["P_13_2"], totals["P_14_2"]) == ("0.60", "0.04")  # 8 %: 0.024, 7 %: 0.021
    assert (totals["P_13_4"], totals["P_14_4"]) == ("0.60", "0.02")  # 4 %: 0.012, 3 %: 0.009
    for field in ("P_13_6_1", "P_13_6_2", "P_13_6_3", "P_13_7", "P_13_8", "P_13_9", "P_13_10"):
        assert totals[field] == "0.30", field
    assert text(xml, "f:Fa/f:Adnotacje/f:P_18") == "1"  # an `oo` line: reverse charge
    assert text(xml, "f:Fa/f:Adnotacje/f:Zwolnienie/f:P_19A").startswith("art. 43")


def test_split_payment_marks_the_invoice_and_the_annex_15_lines(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    xml = checked(invoices(make_invoice, make_line)["split"], schema)
    assert text(xml, "f:Fa/f:Adnotacje/f:P_18A") == "1"
    assert texts(xml, "f:Fa/f:FaWiersz/f:P_12_Zal_15") == ["1"]
    assert text(xml, "f:Fa/f:Platnosc/f:RachunekBankowy/f:NrRB") == ACCOUNT
    assert text(xml, "f:Fa/f:Platnosc/f:TerminPlatnosci/f:Termin") == "2026-12-10"
    small = checked(make_invoice(make_line("100.00", annex15=True)), schema)
    assert text(small, "f:Fa/f:Adnotacje/f:P_18A") == "2"
    assert texts(small, "f:Fa/f:FaWiersz/f:P_12_Zal_15") == []


def test_correction_references_the_original_and_lists_before_after_rows(
    make_invoice: Callable[..., Invoice], schema: Fa3Schema
) -> None:
    original = make_invoice()
    after = (replace(original.lines[0], quantity=D(1)), original.lines[1])
    kor = correct(
        original,
        number="KOR/2026/11/0001",
        issue_date=date(2026, 11, 30),
        reason="zwrot 2 szt.",
        after=after,
        ksef_number=KSEF_NUMBER,
    )
    xml = checked(kor, schema)
    assert text(xml, "f:Fa/f:RodzajFaktury") == "KOR"
    assert text(xml, "f:Fa/f:PrzyczynaKorekty") == "zwrot 2 szt."
    assert text(xml, "f:Fa/f:TypKorekty") == "2"
    ref = "f:Fa/f:DaneFaKorygowanej/"
    assert texts(xml, ref + "*") == ["2026-11-26", "FV/2026/11/0001", "1", KSEF_NUMBER]
    assert texts(xml, "f:Fa/f:FaWiersz/f:NrWierszaFa") == ["1", "1", "2", "2"]
    assert texts(xml, "f:Fa/f:FaWiersz/f:StanPrzed") == ["1", "1"]
    # before 0.30 + 12.19 = 12.49 (VAT 2.87), after 0.10 + 12.19 = 12.29 (VAT 2.83)
    assert (text(xml, "f:Fa/f:P_13_1"), text(xml, "f:Fa/f:P_14_1")) == ("-0.20", "-0.04")
    assert text(xml, "f:Fa/f:P_15") == "-0.24"


def test_correction_of_a_correction_and_of_an_invoice_outside_ksef(
    make_invoice: Callable[..., Invoice], schema: Fa3Schema
) -> None:
    original = make_invoice(currency="EUR", exchange=EUR)
    first = correct(
        original,
        number="KOR/1",
        issue_date=date(2026, 11, 27),
        reason="rabat",
        after=tuple(replace(x, net_price=x.net_price / 2) for x in original.lines),
        ksef_number=None,
    )
    second = correct(
        first,
        number="KOR/2",
        issue_date=date(2026, 11, 28),
        reason="zwrot całości",
        after=tuple(replace(x, quantity=D(0)) for x in first.after),
        ksef_number=KSEF_NUMBER,
    )
    xml_first, xml_second = checked(first, schema), checked(second, schema)
    assert texts(xml_first, "f:Fa/f:DaneFaKorygowanej/f:NrKSeFN") == ["1"]
    assert text(xml_second, "f:Fa/f:DaneFaKorygowanej/f:NrFaKorygowanej") == "KOR/1"
    assert text(xml_second, "f:Fa/f:DaneFaKorygowanej/f:NrKSeFFaKorygowanej") == KSEF_NUMBER
    assert first.totals.gross + second.totals.gross == -original.totals.gross
    assert text(xml_second, "f:Fa/f:P_14_1W").startswith("-")


def test_naive_creation_time_is_refused(make_invoice: Callable[..., Invoice]) -> None:
    with pytest.raises(InvalidValue) as caught:
        write(make_invoice(), created_at=datetime(2026, 11, 26, 10, 15))  # noqa: DTZ001
    assert caught.value.field == "created_at"


def test_gate_refuses_a_document_the_xsd_rejects(
    make_invoice: Callable[..., Invoice], schema: Fa3Schema
) -> None:
    too_early = datetime(2025, 1, 1, tzinfo=CREATED.tzinfo)  # before DataWytworzeniaFa's minimum
    with pytest.raises(Fa3Invalid) as caught:
        render(make_invoice(), created_at=too_early, schema=schema)
    assert "DataWytworzeniaFa" in str(caught.value)
    assert caught.value.problems


def test_arithmetic_check_catches_sums_ksef_would_accept(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    root = build(make_invoice(*(make_line("0.10") for _ in range(3))), created_at=CREATED)
    root.find("f:Fa/f:P_14_1", N).text = "0.06"  # per-line rounding, as some SDKs do
    root.find("f:Fa/f:P_15", N).text = "0.36"
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    report = inspect(xml, schema)
    assert report.schema == ()  # the XSD is happy…
    assert [f.field for f in report.arithmetic] == ["P_14_1"]  # …omnistock is not
    assert report.arithmetic[0].expected == D("0.07")


def test_gross_priced_correction_adds_up(
    make_invoice: Callable[..., Invoice], make_line: Any, schema: Fa3Schema
) -> None:
    original = invoices(make_invoice, make_line)["b2c_gross"]
    after = (*original.lines[:2], replace(original.lines[2], quantity=D(0)))  # delivery refunded
    kor = correct(
        original,
        number="KOR/2026/11/0002",
        issue_date=date(2026, 11, 30),
        reason="zwrot kosztów dostawy",
        after=after,
        ksef_number=None,
    )
    xml = checked(kor, schema)
    # 23 % after: 0.36 gross → VAT 0.07, net 0.29; before: 15.35 → 2.87 / 12.48
    assert (text(xml, "f:Fa/f:P_13_1"), text(xml, "f:Fa/f:P_14_1")) == ("-12.19", "-2.80")
    assert text(xml, "f:Fa/f:P_15") == "-14.99"
