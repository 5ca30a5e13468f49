"""An order → an FA(3) ``Invoice`` (number still to be taken): who gets one, lines, buyer, rate.

When: an order that is paid (or later: ready, shipped). A business buyer (NIP given, or an
invoice asked for at checkout) gets one when paid if ``b2b_on_payment``; a consumer only on
request (``request=True``) and only until the legal deadline (3 months from the end of the month).
A consumer is always ``BrakID`` — never a made-up NIP. Lines are priced with the sale's gross unit
price as the channel reported it at import; the delivery cost the buyer paid is a line. Fallback:
an order imported before sale prices were kept (``order_lines.unit_gross`` NULL) is priced with
the product's current catalogue gross price — check such invoices before sending them.

Dates (:func:`sale_dates`, Polish calendar days, never after the issue date): ``P_6`` is the day
the delivery was completed (the order shipped) or, before that, the day the payment was received
(art. 106b ust. 1 pkt 4) — written only when it differs from ``P_1``; ``Platnosc/DataZaplaty`` is
the payment day; a foreign-currency invoice takes the NBP rate of the last working day before the
tax point, the earlier of payment and delivery (art. 19a ust. 8, art. 31a). The payment moment is
``orders.paid_at`` (the payment time the channel reported, kept by order import) when set, else
the channel's timestamp of the order while it is ``paid`` (``channel_updated_at``; for a later
status it bounds the payment from above).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.invoicing import (
    Address,
    Buyer,
    BuyerTaxId,
    EuVatId,
    ForeignTaxId,
    Invoice,
    InvoiceLine,
    OrderRef,
    Payment,
    PaymentForm,
    PolishNip,
    consumer_request_deadline,
    delivery_line,
    parse_vat_rate,
)
from omnistock.domain.invoicing.parties import EU_COUNTRIES
from omnistock.domain.orders import Address as OrderAddress
from omnistock.domain.orders import OrderStatus, PersonalData
from omnistock.invoicing.nbp import rate_before
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_ports import RateSource
from omnistock.store.invoice_repository import OrderSource, SourceLine

__all__ = [
    "INVOICEABLE",
    "PLACEHOLDER",
    "OrderFacts",
    "SaleDates",
    "build_invoice",
    "check_eligible",
    "sale_dates",
    "tax_id_of",
]

INVOICEABLE = frozenset({OrderStatus.PAID, OrderStatus.READY, OrderStatus.SHIPPED})
PLACEHOLDER = "DRAFT"
TAX_ZONE = ZoneInfo("Europe/Warsaw")


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleDates:
    """What an invoice states about when the sale happened (Polish days)."""

    paid_on: date
    sale_date: date | None  # P_6; None when it is the issue date
    tax_point: date  # the NBP rate is the one of the last working day before it


def _day(moment: datetime | None, issue_date: date) -> date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return min(aware.astimezone(TAX_ZONE).date(), issue_date)


def sale_dates(row: Any, issue_date: date) -> SaleDates:
    """The payment day, ``P_6`` and the tax point of an order invoiced on ``issue_date``."""
    values = row._mapping
    paid = _day(values.get("paid_at") or values.get("channel_updated_at"), issue_date)
    shipped = values.get("status") == OrderStatus.SHIPPED.value
    delivered = _day(values.get("delivered_at"), issue_date) if shipped else None
    paid_on = paid or _day(values.get("first_seen_at"), issue_date) or issue_date
    if delivered is not None:
        paid_on = min(paid_on, delivered)  # a shipped order was paid by then (prepaid)
    sale = delivered or paid_on
    return SaleDates(
        paid_on=paid_on,
        sale_date=None if sale == issue_date else sale,
        tax_point=min(paid_on, delivered or paid_on),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFacts:
    """What the decision needs about an order."""

    order_id: int
    status: OrderStatus | None
    invoice_requested: bool
    has_nip: bool
    delivered_on: date | None


def check_eligible(facts: OrderFacts, *, request: bool, today: date, b2b_on_payment: bool) -> None:
    """``Conflict`` unless this order may be invoiced now."""
    if facts.status not in INVOICEABLE:
        raise Conflict(f"order {facts.order_id} is {facts.status}, not paid", field="status")
    business = facts.has_nip or facts.invoice_requested
    if business and (b2b_on_payment or request):
        return
    if not request:
        raise Conflict("a consumer gets an invoice only on request (--request)", field="request")
    deadline = consumer_request_deadline(facts.delivered_on or today)
    if today > deadline:
        raise Conflict(f"the consumer's request window ended on {deadline}", field="request")


def _line(i: int, line: SourceLine, currency: str, config: InvoicingConfig) -> InvoiceLine:
    if line.sku is None or line.name is None:
        raise InvalidValue("the order line is not linked to a product", field=f"lines[{i}].sku")
    if line.sale_currency and line.sale_currency.upper() != currency.upper():
        raise InvalidValue(f"sold in {line.sale_currency}, not {currency}", field=f"lines[{i}]")
    price = line.sale_gross if line.sale_gross is not None else line.price_gross  # fallback
    if price is None:
        raise InvalidValue("the line has no sale or catalogue price", field=f"lines[{i}].price")
    return InvoiceLine(
        name=line.name,
        quantity=Decimal(line.quantity),
        gross_price=price,
        vat=parse_vat_rate(line.vat or "", field=f"lines[{i}].vat"),
        unit=line.unit or "szt.",
        gtin=line.ean or None,
        sku=line.sku,
        annex15=config.annex15(line.sku, line.group),
    )


def invoice_lines(source: OrderSource, config: InvoicingConfig) -> tuple[InvoiceLine, ...]:
    lines = [_line(i, line, source.currency, config) for i, line in enumerate(source.lines)]
    if source.delivery_gross:
        vat = parse_vat_rate(source.delivery_vat or "23", field="delivery.vat")
        lines.append(delivery_line(vat=vat, gross_price=source.delivery_gross))
    return tuple(lines)


def _address(address: OrderAddress | None) -> Address:
    if address is None or not address.street.strip():
        raise InvalidValue("is missing (required on a full invoice)", field="buyer.address")
    line2 = f"{address.post_code} {address.city}".strip() or None
    return Address(line1=address.street, line2=line2, country=address.country or "PL")


def tax_id_of(text: str) -> BuyerTaxId:
    """The buyer's tax id as the channel gave it: a Polish NIP (digits, ``PL`` prefix allowed,
    checksum validated), an EU VAT id (``DE123456789``; Greece ``EL``/``GR``) or another
    country's id (``NO…``, ``GB…`` → ``NrID`` with the country)."""
    compact = re.sub(r"[\s\-.]", "", text).upper()
    prefix = compact[:2]
    if len(compact) > 2 and prefix.isascii() and prefix.isalpha() and prefix != "PL":
        country = "EL" if prefix == "GR" else prefix
        if country in EU_COUNTRIES:
            return EuVatId(country=country, number=compact[2:])
        return ForeignTaxId(number=compact[2:], country=prefix)
    return PolishNip(value=text)


def buyer_of(personal: PersonalData) -> Buyer:
    """A business with its tax id (NIP validated; EU VAT id; foreign id), or a consumer
    (``BrakID``)."""
    address = personal.invoice or personal.delivery
    if personal.nip:
        name = (address.company if address else "") or personal.name
        return Buyer(tax_id=tax_id_of(personal.nip), name=name, address=_address(address))
    name = (address.name if address else "") or personal.name
    return Buyer.consumer(name=name, address=_address(address))


def build_invoice(
    source: OrderSource,
    personal: PersonalData,
    *,
    config: InvoicingConfig,
    issue_date: date,
    rates: RateSource | None,
    number: str = PLACEHOLDER,
) -> Invoice:
    """The invoice of an order; ``InvalidValue`` naming the field for any bad input."""
    row = source.row
    dates = sale_dates(row, issue_date)
    exchange = None
    if source.currency.upper() != "PLN":
        if rates is None:
            raise InvalidValue("no exchange-rate source configured", field="exchange")
        exchange = rate_before(rates, source.currency, dates.tax_point)
    return Invoice(
        number=number,
        issue_date=issue_date,
        sale_date=dates.sale_date,
        seller=config.seller(),
        buyer=buyer_of(personal),
        lines=invoice_lines(source, config),
        currency=source.currency,
        exchange=exchange,
        payment=Payment(
            form=PaymentForm.TRANSFER, paid_on=dates.paid_on, bank_account=config.bank_account
        ),
        order=OrderRef(number=row.external_id, ordered_on=row.first_seen_at.date()),
    )
