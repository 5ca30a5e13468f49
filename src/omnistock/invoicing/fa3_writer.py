"""FA(3) XML for omnistock invoices and corrections, built with lxml.

``write(document, created_at=…)`` returns UTF-8 bytes without BOM; ``build(...)`` the element
tree. Totals come from the domain (per-rate VAT, half-up); ``Adnotacje`` always has all its
children in XSD order. The output is meant to be checked by :mod:`fa3_schema` (XSD) and
:mod:`fa3_check` (arithmetic) before it leaves — see :func:`omnistock.invoicing.fa3.render`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # no stubs

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import (
    Correction,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    RateGroup,
    Totals,
    rate_group,
)
from omnistock.domain.invoicing.rates import GROUP_ORDER
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3_parts import (
    add_buyer,
    add_line,
    add_lines,
    add_order,
    add_payment,
    add_seller,
    amount,
    day,
    q,
    sub,
)
from omnistock.invoicing.fa3_schema import NS

SYSTEM_INFO = "omnistock"


def build(
    document: Invoice | Correction, *, created_at: datetime, system_info: str = SYSTEM_INFO
) -> Any:
    """The ``Faktura`` element of ``document``; ``created_at`` (aware) → ``DataWytworzeniaFa``."""
    root = etree.Element(q("Faktura"), nsmap={None: NS})
    add_header(root, created_at, system_info)
    add_seller(root, document.seller)
    add_buyer(root, document.buyer)
    fa = sub(root, "Fa")
    sub(fa, "KodWaluty", document.currency)
    sub(fa, "P_1", day(document.issue_date))
    if isinstance(document, Invoice):
        add_invoice_body(fa, document)
    else:
        add_correction_body(fa, document)
    return root


def write(
    document: Invoice | Correction, *, created_at: datetime, system_info: str = SYSTEM_INFO
) -> bytes:
    """``document`` as FA(3) XML bytes: UTF-8, XML declaration, no BOM."""
    return serialize(build(document, created_at=created_at, system_info=system_info))


def serialize(root: Any) -> bytes:
    """A built ``Faktura`` as UTF-8 bytes with an XML declaration and no BOM."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def add_header(root: Any, created_at: datetime, system_info: str) -> None:
    """``Naglowek`` with the fixed ``KodFormularza`` attributes (note the space in ``FA (3)``)."""
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise InvalidValue("must be timezone-aware", field="created_at")
    header = sub(root, "Naglowek")
    code = sub(header, "KodFormularza", "FA")
    code.set("kodSystemowy", "FA (3)")
    code.set("wersjaSchemy", "1-0E")
    sub(header, "WariantFormularza", "3")
    stamp = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sub(header, "DataWytworzeniaFa", stamp)
    sub(header, "SystemInfo", system_info)


def add_invoice_body(fa: Any, invoice: Invoice) -> None:
    if invoice.place:
        sub(fa, "P_1M", invoice.place)
    sub(fa, "P_2", invoice.number)
    if invoice.sale_date is not None and invoice.sale_date != invoice.issue_date:
        sub(fa, "P_6", day(invoice.sale_date))
    add_totals(fa, invoice.totals, invoice.exchange)
    add_annotations(fa, invoice.lines, invoice.split_payment, invoice.exemption_basis)
    sub(fa, "RodzajFaktury", "VAT")
    if invoice.to_receipt:
        sub(fa, "FP", "1")
    add_lines(fa, invoice.lines, invoice.exchange, invoice.split_payment)
    add_payment(fa, invoice.payment)
    add_order(fa, invoice.order)


def add_correction_body(fa: Any, correction: Correction) -> None:
    sub(fa, "P_2", correction.number)
    add_totals(fa, correction.totals, correction.exchange)
    lines = correction.before + correction.after
    add_annotations(fa, lines, False, correction.exemption_basis)
    sub(fa, "RodzajFaktury", "KOR")
    sub(fa, "PrzyczynaKorekty", correction.reason)
    sub(fa, "TypKorekty", str(int(correction.kind)))
    ref = sub(fa, "DaneFaKorygowanej")
    sub(ref, "DataWystFaKorygowanej", day(correction.corrected.issue_date))
    sub(ref, "NrFaKorygowanej", correction.corrected.number)
    if correction.corrected.ksef_number:
        sub(ref, "NrKSeF", "1")
        sub(ref, "NrKSeFFaKorygowanej", correction.corrected.ksef_number)
    else:
        sub(ref, "NrKSeFN", "1")
    add_before_after(fa, correction)
    add_payment(fa, correction.payment)


def add_before_after(fa: Any, correction: Correction) -> None:
    """Each position as a "before" row (``StanPrzed=1``) followed by its "after" row."""
    exchange = correction.exchange
    for position, after in enumerate(correction.after, start=1):
        if position <= len(correction.before):
            before = correction.before[position - 1]
            add_line(fa, position, before, exchange=exchange, split_payment=False, before=True)
        add_line(fa, position, after, exchange=exchange, split_payment=False)


def add_totals(fa: Any, totals: Totals, exchange: ExchangeRate | None) -> None:
    """Per-rate ``P_13_x``/``P_14_x``(/``P_14_xW``) in XSD order, then ``P_15``."""
    groups: dict[str, tuple[RateGroup, list[Decimal]]] = {}
    for total in totals.by_rate:
        group = rate_group(total.rate)
        _, sums = groups.setdefault(group.net_field, (group, [Decimal(0)] * 3))
        sums[0] += total.net
        sums[1] += total.vat
        sums[2] += total.vat_pln or 0
    for net_field in GROUP_ORDER:
        entry = groups.get(net_field)
        if entry is None:
            continue
        group, (net, vat, vat_pln) = entry
        sub(fa, net_field, amount(net))
        if group.vat_field:
            sub(fa, group.vat_field, amount(vat))
            if exchange is not None and group.vat_pln_field:
                sub(fa, group.vat_pln_field, amount(vat_pln))
    sub(fa, "P_15", amount(totals.gross))


def add_annotations(
    fa: Any, lines: tuple[InvoiceLine, ...], split_payment: bool, exemption_basis: str | None
) -> None:
    """``Adnotacje``: every child, in XSD order (``P_16`` … ``PMarzy``)."""
    notes = sub(fa, "Adnotacje")
    sub(notes, "P_16", "2")
    sub(notes, "P_17", "2")
    sub(notes, "P_18", "1" if any(line.vat is VatRate.OO for line in lines) else "2")
    sub(notes, "P_18A", "1" if split_payment else "2")
    exemption = sub(notes, "Zwolnienie")
    if exemption_basis:
        sub(exemption, "P_19", "1")
        sub(exemption, "P_19A", exemption_basis)
    else:
        sub(exemption, "P_19N", "1")
    sub(sub(notes, "NoweSrodkiTransportu"), "P_22N", "1")
    sub(notes, "P_23", "2")
    sub(sub(notes, "PMarzy"), "P_PMarzyN", "1")
