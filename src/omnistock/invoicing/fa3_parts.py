"""Building blocks of an FA(3) document: number formats, parties, lines, payment, order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # no stubs

from omnistock.domain.invoicing import (
    GROSZ,
    Address,
    Buyer,
    EuVatId,
    ExchangeRate,
    ForeignTaxId,
    InvoiceLine,
    OrderRef,
    Payment,
    PolishNip,
    Seller,
)
from omnistock.invoicing.fa3_schema import NS

_TAGS: dict[str, str] = {}


def q(tag: str) -> str:
    """The qualified name of an FA(3) element (``'P_1'`` → ``'{ns}P_1'``)."""
    name = _TAGS.get(tag)
    if name is None:
        name = _TAGS[tag] = f"{{{NS}}}{tag}"
    return name


def sub(parent: Any, tag: str, text: str | None = None) -> Any:
    """Append element ``tag`` (with ``text``) to ``parent`` and return it."""
    element = etree.SubElement(parent, q(tag))
    if text is not None:
        element.text = text
    return element


def amount(value: Decimal) -> str:
    """A ``TKwotowy`` amount: exactly two decimals (``Decimal('7')`` → ``'7.00'``)."""
    return str(value.quantize(GROSZ))


def plain(value: Decimal) -> str:
    """A quantity or rate without exponent or trailing zeros (``Decimal('2.500')`` → ``'2.5'``)."""
    return format(value.normalize(), "f")


def price(value: Decimal) -> str:
    """A unit price with at least two and at most the given decimals (``50`` → ``'50.00'``)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return str(value.quantize(GROSZ))
    return format(normal, "f")


def day(value: date) -> str:
    return value.isoformat()


def add_address(parent: Any, tag: str, address: Address) -> None:
    element = sub(parent, tag)
    sub(element, "KodKraju", address.country)
    sub(element, "AdresL1", address.line1)
    if address.line2:
        sub(element, "AdresL2", address.line2)


def add_seller(root: Any, seller: Seller) -> None:
    """``Podmiot1``: NIP, name, address, contact."""
    podmiot = sub(root, "Podmiot1")
    ids = sub(podmiot, "DaneIdentyfikacyjne")
    sub(ids, "NIP", seller.nip)
    sub(ids, "Nazwa", seller.name)
    assert seller.address is not None  # guaranteed by Seller
    add_address(podmiot, "Adres", seller.address)
    if seller.email or seller.phone:
        contact = sub(podmiot, "DaneKontaktowe")
        if seller.email:
            sub(contact, "Email", seller.email)
        if seller.phone:
            sub(contact, "Telefon", seller.phone)


def add_buyer_ids(parent: Any, buyer: Buyer) -> None:
    """``DaneIdentyfikacyjne`` of the buyer: NIP, EU VAT id, foreign id or ``BrakID``."""
    ids = sub(parent, "DaneIdentyfikacyjne")
    tax_id = buyer.tax_id
    if isinstance(tax_id, PolishNip):
        sub(ids, "NIP", tax_id.value)
    elif isinstance(tax_id, EuVatId):
        sub(ids, "KodUE", tax_id.country)
        sub(ids, "NrVatUE", tax_id.number)
    elif isinstance(tax_id, ForeignTaxId):
        if tax_id.country:
            sub(ids, "KodKraju", tax_id.country)
        sub(ids, "NrID", tax_id.number)
    else:
        sub(ids, "BrakID", "1")
    sub(ids, "Nazwa", buyer.name)


def add_buyer(root: Any, buyer: Buyer) -> None:
    """``Podmiot2`` including the mandatory ``JST`` and ``GV`` flags (1 yes, 2 no)."""
    podmiot = sub(root, "Podmiot2")
    add_buyer_ids(podmiot, buyer)
    if buyer.address is not None:
        add_address(podmiot, "Adres", buyer.address)
    if buyer.email:
        sub(sub(podmiot, "DaneKontaktowe"), "Email", buyer.email)
    if buyer.customer_number:
        sub(podmiot, "NrKlienta", buyer.customer_number)
    sub(podmiot, "JST", "1" if buyer.jst else "2")
    sub(podmiot, "GV", "1" if buyer.gv else "2")


def add_line(
    fa: Any,
    position: int,
    line: InvoiceLine,
    *,
    exchange: ExchangeRate | None,
    split_payment: bool,
    before: bool = False,
) -> None:
    """One ``FaWiersz`` in XSD order; ``before`` marks the "before" row of a correction."""
    row = sub(fa, "FaWiersz")
    sub(row, "NrWierszaFa", str(position))
    sub(row, "P_7", line.name)
    if line.sku:
        sub(row, "Indeks", line.sku)
    if line.gtin:
        sub(row, "GTIN", line.gtin)
    sub(row, "P_8A", line.unit)
    sub(row, "P_8B", plain(line.quantity))
    sub(row, "P_9B" if line.is_gross else "P_9A", price(line.unit_price))
    sub(row, "P_11A" if line.is_gross else "P_11", amount(line.value))
    sub(row, "P_12", line.vat.value)
    if split_payment and line.annex15:
        sub(row, "P_12_Zal_15", "1")
    if exchange is not None:
        sub(row, "KursWaluty", plain(exchange.rate))
    if before:
        sub(row, "StanPrzed", "1")


def add_lines(
    fa: Any, lines: Iterable[InvoiceLine], exchange: ExchangeRate | None, split_payment: bool
) -> None:
    for position, line in enumerate(lines, start=1):
        add_line(fa, position, line, exchange=exchange, split_payment=split_payment)


def add_payment(fa: Any, payment: Payment | None) -> None:
    """``Platnosc``: paid (with date) or due date, form and bank account."""
    if payment is None:
        return
    element = sub(fa, "Platnosc")
    if payment.paid_on is not None:
        sub(element, "Zaplacono", "1")
        sub(element, "DataZaplaty", day(payment.paid_on))
    elif payment.due is not None:
        sub(sub(element, "TerminPlatnosci"), "Termin", day(payment.due))
    if payment.form is not None:
        sub(element, "FormaPlatnosci", str(int(payment.form)))
    if payment.bank_account:
        sub(sub(element, "RachunekBankowy"), "NrRB", payment.bank_account)
    if len(element) == 0:
        fa.remove(element)


def add_order(fa: Any, order: OrderRef | None) -> None:
    """``WarunkiTransakcji/Zamowienia``: the channel's order number and date."""
    if order is None:
        return
    orders = sub(sub(fa, "WarunkiTransakcji"), "Zamowienia")
    sub(orders, "DataZamowienia", day(order.ordered_on))
    sub(orders, "NrZamowienia", order.number)
