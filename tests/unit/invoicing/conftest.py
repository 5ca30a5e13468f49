"""Shared values for the invoicing unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from omnistock.domain.invoicing import Address, Buyer, Invoice, InvoiceLine, Seller
from omnistock.domain.product import VatRate

SELLER_NIP = "5261040828"
BUYER_NIP = "1111111111"


@pytest.fixture
def seller() -> Seller:
    return Seller(
        nip=SELLER_NIP,
        name="Przykładowy Sklep sp. z o.o.",
        address=Address(line1="ul. Prosta 1", line2="00-001 Warszawa"),
    )


@pytest.fixture
def company() -> Buyer:
    return Buyer.company(
        nip=BUYER_NIP, name="F.H.U. Jan Kowalski", address=Address(line1="ul. Polna 1")
    )


def line(net_price: str, vat: VatRate = VatRate.R23, quantity: str = "1", **kw: Any) -> InvoiceLine:
    """A line at ``net_price`` (a string, to keep the Decimal exact)."""
    name = kw.pop("name", "Kubek")
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
            "number": "FV/2026/11/1",
            "issue_date": date(2026, 11, 26),
            "seller": seller,
            "buyer": company,
            "lines": lines or (line("100.00"),),
        }
        fields.update(kw)
        return Invoice(**fields)

    return make
