"""Property: whatever valid lines an order brings, the FA(3) document is XSD-valid and adds up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnistock.domain.invoicing import (
    ExchangeRate,
    Invoice,
    InvoiceLine,
    Payment,
    correct,
)
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import inspect, render
from omnistock.invoicing.fa3_schema import Fa3Schema

CREATED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
RATES = list(VatRate)

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3)
prices = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2
) | st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10"), places=6)


@st.composite
def lines(draw: st.DrawFn) -> tuple[InvoiceLine, ...]:
    gross = draw(st.booleans())
    count = draw(st.integers(min_value=1, max_value=12))
    result = []
    for n in range(count):
        price = draw(prices)
        result.append(
            InvoiceLine(
                name=f"Produkt {n}",
                quantity=draw(quantities).normalize(),
                vat=draw(st.sampled_from(RATES)),
                net_price=None if gross else price,
                gross_price=price if gross else None,
                annex15=draw(st.booleans()),
            )
        )
    return tuple(result)


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(items=lines(), foreign=st.booleans())
def test_any_invoice_is_valid_and_consistent(
    items: tuple[InvoiceLine, ...],
    foreign: bool,
    make_invoice: Callable[..., Invoice],
    schema: Fa3Schema,
) -> None:
    extra = {}
    if foreign:
        extra = {
            "currency": "EUR",
            "exchange": ExchangeRate(
                currency="EUR", rate=Decimal("4.2871"), effective=date(2026, 11, 25)
            ),
        }
    invoice = make_invoice(
        *items, payment=Payment(paid_on=date(2026, 11, 25)), exemption_basis="art. 43", **extra
    )
    xml = render(invoice, created_at=CREATED, schema=schema)
    assert inspect(xml, schema).ok


@SETTINGS
@given(items=lines(), keep=st.data())
def test_any_correction_is_valid_and_consistent(
    items: tuple[InvoiceLine, ...],
    keep: st.DataObject,
    make_invoice: Callable[..., Invoice],
    schema: Fa3Schema,
) -> None:
    invoice = make_invoice(
        *items, payment=Payment(paid_on=date(2026, 11, 25)), exemption_basis="art. 43"
    )
    after = tuple(
        replace(line, quantity=keep.draw(st.sampled_from([line.quantity, Decimal(0)])))
        for line in invoice.lines
    )
    kor = correct(
        invoice,
        number="KOR/1",
        issue_date=date(2026, 11, 30),
        reason="zwrot",
        after=after,
        ksef_number=None,
    )
    xml = render(kor, created_at=CREATED, schema=schema)
    assert inspect(xml, schema).ok
