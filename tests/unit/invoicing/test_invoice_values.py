"""Invoice values: parties, currency, split payment, and bad input that names the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import (
    Address,
    Buyer,
    EuVatId,
    ExchangeRate,
    ForeignTaxId,
    Invoice,
    InvoiceLine,
    NoTaxId,
    Payment,
    PaymentForm,
    PolishNip,
    Seller,
    delivery_line,
    parse_vat_rate,
)
from omnistock.domain.product import VatRate

D = Decimal
ADDRESS = Address(line1="ul. Prosta 1", line2="00-001 Warszawa")
EUR = ExchangeRate(currency="EUR", rate=D("4.3250"), effective=date(2026, 11, 25), table="230/A")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nip": ""}, "seller.nip"),  # missing NIP in the configuration
        ({"nip": "5261040829"}, "seller.nip"),  # wrong check digit
        ({"name": "  "}, "seller.name"),  # missing name
        ({"address": None}, "seller.address"),  # missing address
    ],
)
def test_missing_or_bad_seller_data_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"nip": "5261040828", "name": "Sklep", "address": ADDRESS}
    values.update(kwargs)
    with pytest.raises(InvalidValue) as caught:
        Seller(**values)
    assert caught.value.field == field


def test_invalid_buyer_nip_names_the_field() -> None:
    with pytest.raises(InvalidValue) as caught:
        Buyer.company(nip="123-456-78-90", name="Firma", address=ADDRESS)
    assert caught.value.field == "buyer.nip"


@pytest.mark.parametrize("code", ["17", "23 %%", "VAT", ""])
def test_unknown_vat_rate_names_the_field(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_vat_rate(code, field="lines[0].vat")
    assert caught.value.field == "lines[0].vat"
    with pytest.raises(InvalidValue) as caught:
        InvoiceLine(name="x", quantity=D(1), net_price=D(1), vat=code)  # type: ignore[arg-type]
    assert caught.value.field == "line.vat"


def test_vat_rate_codes_as_sellers_write_them() -> None:
    assert parse_vat_rate("23%") is VatRate.R23
    assert parse_vat_rate("0") is VatRate.R0_KR
    assert parse_vat_rate("ZW") is VatRate.ZW


def test_negative_total_names_the_field(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(make_line("10.00"), make_line("-20.00", name="Rabat"))
    assert caught.value.field == "total"


def test_a_discount_line_is_allowed_while_the_total_stays_positive(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    invoice = make_invoice(make_line("100.00"), make_line("-10.00", name="Rabat"))
    assert invoice.totals.net == D("90.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": D("-1")}, "line.quantity"),  # negative quantity
        ({"quantity": D("1.0000001")}, "line.quantity"),  # more than 6 decimals
        ({"net_price": D("0.123456789")}, "line.net_price"),  # more than 8 decimals
        ({"gtin": "5901234123458"}, "line.gtin"),  # bad check digit
        ({"name": "\x85\x00 "}, "line.name"),  # only control characters
    ],
)
def test_bad_line_values_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"name": "x", "quantity": D(1), "net_price": D(1), "vat": VatRate.R23}
    values.update(kwargs)
    with pytest.raises(InvalidValue) as caught:
        InvoiceLine(**values)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "prices",
    [
        {},  # neither price
        {"net_price": D(1), "gross_price": D("1.23")},  # both prices
    ],
)
def test_a_line_has_exactly_one_unit_price(prices: dict[str, Decimal]) -> None:
    with pytest.raises(InvalidValue) as caught:
        InvoiceLine(name="x", quantity=D(1), vat=VatRate.R23, **prices)
    assert caught.value.field == "line.net_price"


def test_one_invoice_does_not_mix_net_and_gross_prices(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    gross = InvoiceLine(name="x", quantity=D(1), gross_price=D("1.23"), vat=VatRate.R23)
    with pytest.raises(InvalidValue) as caught:
        make_invoice(make_line("1.00"), gross)
    assert caught.value.field == "lines"


def test_zero_quantity_is_refused_on_an_invoice(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(make_line("1.00"), make_line("1.00", quantity="0"))
    assert caught.value.field == "lines[1].quantity"


def test_no_lines_is_refused(make_invoice: Callable[..., Invoice]) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(lines=())
    assert caught.value.field == "lines"


def test_marketplace_text_is_cleaned_of_control_characters() -> None:
    line = InvoiceLine(
        name="Kubek\x85 ceramiczny\t 300 ml", quantity=D(1), net_price=D(1), vat=VatRate.R23
    )
    assert line.name == "Kubek ceramiczny 300 ml"
    assert Address(line1="ul. Długa 5", country="pl").country == "PL"


def test_delivery_cost_is_an_ordinary_line(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    delivery = delivery_line(net_price=D("12.19"), vat=VatRate.R23)
    invoice = make_invoice(make_line("100.00"), delivery)
    assert (delivery.quantity, delivery.name) == (D(1), "Koszt dostawy")
    assert invoice.totals.net == D("112.19")
    assert invoice.totals.vat == D("25.80")  # 112.19 × 0.23 = 25.8037


def test_consumer_has_no_tax_id_never_a_made_up_nip() -> None:
    buyer = Buyer.consumer(name="Jan Kowalski", address=ADDRESS)
    assert isinstance(buyer.tax_id, NoTaxId)
    assert not buyer.is_taxpayer


@pytest.mark.parametrize(
    ("tax_id", "expected"),
    [
        (EuVatId(country="de", number="DE 123456789"), ("DE", "123456789")),  # prefix repeated
        (EuVatId(country="EL", number="094259216"), ("EL", "094259216")),  # Greece is EL
        (ForeignTaxId(number="98-7654321", country="us"), ("US", "98-7654321")),
        (PolishNip(value="PL5261040828"), ("5261040828",)),
    ],
)
def test_buyer_tax_ids_are_normalised(tax_id: Any, expected: tuple[str, ...]) -> None:
    if isinstance(tax_id, EuVatId):
        assert (tax_id.country, tax_id.number) == expected
    elif isinstance(tax_id, ForeignTaxId):
        assert (tax_id.country, tax_id.number) == expected
    else:
        assert (tax_id.value,) == expected


def test_eu_vat_id_of_a_non_eu_country_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        EuVatId(country="US", number="123")
    assert caught.value.field == "buyer.eu_vat"


def test_foreign_currency_needs_a_rate_of_that_currency(
    make_invoice: Callable[..., Invoice],
) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(currency="EUR")
    assert caught.value.field == "exchange"
    with pytest.raises(InvalidValue) as caught:
        make_invoice(currency="USD", exchange=EUR)
    assert caught.value.field == "exchange"


def test_foreign_currency_invoice_has_vat_also_in_pln(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    invoice = make_invoice(make_line("406.00", quantity="10"), currency="eur", exchange=EUR)
    (total,) = invoice.totals.by_rate
    assert (invoice.currency, total.net, total.vat) == ("EUR", D("4060.00"), D("933.80"))
    assert total.vat_pln == D("4038.69")  # 933.80 × 4.3250 = 4038.685 → half up
    assert invoice.gross_pln == D("21598.19")  # 4993.80 × 4.3250 = 21598.185


@pytest.mark.parametrize(
    ("net", "annex15", "consumer", "expected"),
    [
        ("12195.13", True, False, True),  # gross 15 000.13 > 15 000 with a phone
        ("12195.12", True, False, False),  # gross exactly 15 000.00: not above the threshold
        ("10000.00", True, False, False),  # gross 12 300.00: below the threshold
        ("20000.00", False, False, False),  # large, but no Annex-15 goods
        ("20000.00", True, True, False),  # consumer: MPP is for taxpayers only
    ],
)
def test_split_payment_rule(
    make_invoice: Callable[..., Invoice],
    make_line: Any,
    net: str,
    annex15: bool,
    consumer: bool,
    expected: bool,
) -> None:
    kw: dict[str, Any] = {
        "payment": Payment(form=PaymentForm.TRANSFER, bank_account="PL61109010140000071219812874")
    }
    if consumer:
        kw["buyer"] = Buyer.consumer(name="Jan Kowalski", address=ADDRESS)
    invoice = make_invoice(make_line(net, annex15=annex15, name="Smartfon"), **kw)
    assert invoice.split_payment is expected


def test_split_payment_threshold_is_exceeded_not_reached(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    # 12 195.12 + VAT 2 804.88 (2 804.8776) = 15 000.00 exactly
    invoice = make_invoice(
        make_line("12195.12", annex15=True), payment=Payment(paid_on=date(2026, 11, 25))
    )
    assert invoice.gross_pln == D("15000.00")
    assert not invoice.split_payment


def test_split_payment_in_foreign_currency_uses_the_pln_value(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    # 3 000 EUR net → 3 690 EUR gross → 15 959.25 PLN at 4.3250
    invoice = make_invoice(
        make_line("3000.00", annex15=True),
        currency="EUR",
        exchange=EUR,
        payment=Payment(paid_on=date(2026, 11, 25)),
    )
    assert invoice.split_payment


def test_unpaid_split_payment_invoice_needs_a_bank_account(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(make_line("20000.00", annex15=True))
    assert caught.value.field == "payment.bank_account"


def test_exempt_line_needs_the_legal_basis(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    with pytest.raises(InvalidValue) as caught:
        make_invoice(make_line("10.00", vat=VatRate.ZW))
    assert caught.value.field == "exemption_basis"
    invoice = make_invoice(
        make_line("10.00", vat=VatRate.ZW), exemption_basis="art. 43 ust. 1 pkt 37"
    )
    assert invoice.exemption_basis == "art. 43 ust. 1 pkt 37"
