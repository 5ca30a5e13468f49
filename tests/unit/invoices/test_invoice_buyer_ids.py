"""The buyer's tax id from an order: Polish NIP, EU VAT id, another country's id — into FA(3)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import EuVatId, ForeignTaxId, Invoice, InvoiceLine, PolishNip
from omnistock.domain.orders import Address, PersonalData
from omnistock.domain.product import VatRate
from omnistock.invoicing import fa3
from omnistock.service.invoice_build import buyer_of, tax_id_of
from omnistock.service.invoice_config import InvoicingConfig

SELLER = InvoicingConfig(nip="5261040828", name="Sklep", address=("ul. Prosta 1",)).seller()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("526-104-08-28", PolishNip(value="5261040828")),
        ("PL 5261040828", PolishNip(value="5261040828")),
        ("DE 123456789", EuVatId(country="DE", number="123456789")),
        ("GR123456789", EuVatId(country="EL", number="123456789")),
        ("NO 974760673", ForeignTaxId(number="974760673", country="NO")),
    ],
)
def test_tax_ids_are_told_apart(given: str, expected: object) -> None:
    assert tax_id_of(given) == expected


def test_a_polish_nip_with_a_bad_checksum_is_named() -> None:
    with pytest.raises(InvalidValue) as caught:
        tax_id_of("5261040829")
    assert caught.value.field == "buyer.nip"


@pytest.mark.parametrize(("nip", "fields"), [("DE123456789", ("KodUE", "NrVatUE")),
                                            ("NO974760673", ("KodKraju", "NrID"))])  # fmt: skip
def test_a_foreign_business_buyer_makes_a_valid_fa3(nip: str, fields: tuple[str, str]) -> None:
    where = Address(company="Firma GmbH", street="Hauptstr. 1", city="Berlin", post_code="10115",
                    country="DE")  # fmt: skip
    buyer = buyer_of(PersonalData(name="Hans", invoice=where, nip=nip))
    invoice = Invoice(number="FV/1", issue_date=date(2026, 11, 27), seller=SELLER, buyer=buyer,
                      lines=(InvoiceLine(name="Kubek", quantity=Decimal(1), vat=VatRate.R23,
                                         gross_price=Decimal("12.30")),))  # fmt: skip
    xml = fa3.render(invoice, created_at=datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert all(f"<{tag}>".encode() in xml for tag in fields)
    assert b"<NIP>" not in xml.split(b"Podmiot2")[1]
