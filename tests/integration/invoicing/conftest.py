"""Fixtures for the FA(3) tests: the packaged schema, parties and a few typical invoices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from omnistock.domain.invoicing import (
    Address,
    Buyer,
    Invoice,
    InvoiceLine,
    OrderRef,
    Payment,
    PaymentForm,
    Seller,
    delivery_line,
)
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3_schema import Fa3Schema, default_schema

CREATED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)


@pytest.fixture(scope="session")
def schema() -> Fa3Schema:
    return default_schema()


@pytest.fixture
def seller() -> Seller:
    return Seller(
        nip="5261040828",
        name="Przykładowy Sklep sp. z o.o.",
        address=Address(line1="ul. Prosta 1", line2="00-001 Warszawa"),
        email="biuro@example.pl",
    )


@pytest.fixture
def company() -> Buyer:
    return Buyer.company(
        nip="PL 111-111-11-11", name="F.H.U. Jan Kowalski", address=Address(line1="ul. Polna 1")
    )


def line(net_price: str, vat: VatRate = VatRate.R23, quantity: str = "1", **kw: Any) -> InvoiceLine:
    name = kw.pop("name", "Kubek ceramiczny 300 ml")
    return InvoiceLine(
        name=name, quantity=Decimal(quantity), net_price=Decimal(net_price), vat=vat, **kw
    )


@pytest.fixture
def make_line() -> Callable[..., InvoiceLine]:
    return line


@pytest.fixture
def make_invoice(seller: Seller, company: Buyer) -> Callable[..., Invoice]:
    def make(*lines: InvoiceLine, **kw: Any) -> Invoice:
        fields: dict[str, Any] = {
            "number": "FV/2026/11/0001",
            "issue_date": date(2026, 11, 26),
            "sale_date": date(2026, 11, 25),
            "seller": seller,
            "buyer": company,
            "lines": lines
            or (
                line("0.10", gtin="5901234123457", sku="KUB-300", quantity="3"),
                delivery_line(net_price=Decimal("12.19"), vat=VatRate.R23),
            ),
            "payment": Payment(form=PaymentForm.TRANSFER, paid_on=date(2026, 11, 25)),
            "order": OrderRef(number="29990000-aaaa-11ef", ordered_on=date(2026, 11, 24)),
        }
        fields.update(kw)
        return Invoice(**fields)

    return make
