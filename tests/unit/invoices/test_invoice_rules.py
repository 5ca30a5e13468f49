"""Pure parts of the invoice service: who gets an invoice, returns, config, stored documents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.invoicing import (
    Address,
    Buyer,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    NoTaxId,
    PolishNip,
    Seller,
)
from omnistock.domain.orders import OrderStatus
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import render
from omnistock.service.invoice_build import OrderFacts, check_eligible
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_documents import dump_document, load_document, read_parties
from omnistock.service.invoices import returned

TODAY = date(2026, 11, 27)


def facts(status: OrderStatus = OrderStatus.PAID, *, nip: bool = False, asked: bool = False,
          delivered: date | None = TODAY) -> OrderFacts:  # fmt: skip
    return OrderFacts(order_id=1, status=status, invoice_requested=asked, has_nip=nip,
                      delivered_on=delivered)  # fmt: skip


@pytest.mark.parametrize(
    ("order", "asked", "b2b", "allowed"),
    [
        (facts(nip=True), False, True, True),  # business, paid: invoiced on payment
        (facts(asked=True), False, True, True),  # asked for an invoice at checkout
        (facts(nip=True), False, False, False),  # configured not to invoice on payment
        (facts(nip=True), True, False, True),  # ...but on request it is
        (facts(), False, True, False),  # consumer without a request
        (facts(), True, True, True),  # consumer on request within the window
        (facts(delivered=date(2026, 7, 31)), True, True, False),  # window ended 31 Oct
        (facts(OrderStatus.NEW, nip=True), True, True, False),  # not paid
        (facts(OrderStatus.CANCELLED, nip=True), True, True, False),  # cancelled
        (facts(OrderStatus.SHIPPED, nip=True), False, True, True),  # shipped is after paid
    ],
)
def test_who_gets_an_invoice(order: OrderFacts, asked: bool, b2b: bool, allowed: bool) -> None:
    if allowed:
        check_eligible(order, request=asked, today=TODAY, b2b_on_payment=b2b)
    else:
        with pytest.raises(Conflict):
            check_eligible(order, request=asked, today=TODAY, b2b_on_payment=b2b)


LINES = (
    InvoiceLine(name="Kubek", quantity=Decimal(3), net_price=Decimal("0.10"), vat=VatRate.R23),
    InvoiceLine(name="Talerz", quantity=Decimal(2), net_price=Decimal("20"), vat=VatRate.R8),
)


def test_returned_quantities_and_full_return() -> None:
    after = returned(LINES, {1: Decimal(1)})
    assert [line.quantity for line in after] == [Decimal(2), Decimal(2)]
    assert [line.quantity for line in returned(LINES, {})] == [Decimal(0), Decimal(0)]
    with pytest.raises(InvalidValue, match="more returned"):
        returned(LINES, {2: Decimal(3)})
    with pytest.raises(InvalidValue, match="no line 3"):
        returned(LINES, {3: Decimal(1)})


def test_config_reads_the_invoicing_table_and_checks_the_seller_later() -> None:
    section = {"nip": "PL 526-104-08-28", "name": "Sklep", "address": "ul. Prosta 1",
               "series": "FV/{YY}/{seq}"}  # fmt: skip
    config = InvoicingConfig.from_section(section)
    assert config.seller().nip == "5261040828"
    assert config.series.format(TODAY, 5) == "FV/26/5"
    assert config.correction_series.name == "KOR"
    with pytest.raises(InvalidValue) as caught:
        InvoicingConfig.from_section({"nip": "5261040828"}).seller()
    assert caught.value.field == "seller.name"
    with pytest.raises(InvalidValue):
        InvoicingConfig.from_section({"series": "FV/{MM}/{seq}"})  # {MM} without a year


def test_stored_lines_rate_and_parties_round_trip() -> None:
    rate = ExchangeRate(currency="EUR", rate=Decimal("4.2345"), effective=TODAY, table="232/A")
    assert load_document(dump_document(LINES, rate)) == (LINES, rate)
    seller = Seller(nip="5261040828", name="Sklep", address=Address(line1="ul. Prosta 1"))
    for buyer in (
        Buyer.company(nip="7740001454", name="Żółta Łódź", address=Address(line1="ul. Długa 5")),
        Buyer.consumer(name="Zofia", address=Address(line1="ul. Krótka 2", country="DE")),
    ):
        invoice = Invoice(number="FV/1", issue_date=TODAY, seller=seller, buyer=buyer, lines=LINES)
        xml = render(invoice, created_at=datetime(2026, 11, 27, tzinfo=UTC))
        assert read_parties(xml) == (seller, buyer)
        assert isinstance(read_parties(xml)[1].tax_id, PolishNip | NoTaxId)
