"""Channel payloads → ``ObservedOrder`` and what of the buyer is kept (pure, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from omnistock.channels.allegro.order_details import parse_checkout_form
from omnistock.channels.amazon.order_details import parse_amazon_order
from omnistock.channels.woocommerce.order_details import parse_woo_order
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import OrderStatus, PersonalData
from omnistock.service.order_privacy import ContactPolicy, minimise

FORM: dict[str, Any] = {
    "id": "f-1",
    "status": "READY_FOR_PROCESSING",
    "fulfillment": {"status": "SENT"},
    "updatedAt": "2026-11-27T10:00:00.000Z",
    "buyer": {"id": "42", "firstName": "Anna", "lastName": "Nowak", "email": "a@allegromail.pl"},
    "delivery": {"address": {"firstName": "Anna", "lastName": "Nowak", "street": "Polna 1",
                             "city": "Kraków", "zipCode": "30-001", "phoneNumber": "600100200"}},
    "invoice": {"required": False,
                "address": {"company": {"ids": [{"type": "PL_NIP", "value": "5260250274"}]}}},
    "lineItems": [{"id": "li-1", "offer": {"id": "777"}, "quantity": 2}],
}  # fmt: skip


def test_allegro_form_maps_status_lines_and_buyer() -> None:
    order = parse_checkout_form(ChannelId("allegro"), FORM)
    assert (order.status, order.channel_status) == (
        OrderStatus.SHIPPED,
        "READY_FOR_PROCESSING/SENT",
    )
    assert [(ln.line_id, ln.offer_id, ln.quantity) for ln in order.lines] == [("li-1", "777", 2)]
    assert order.personal is not None
    assert (order.personal.name, order.personal.buyer_ref) == ("Anna Nowak", "allegro:42")
    assert order.personal.nip is None  # no invoice asked: the NIP is not even read
    assert order.personal.delivery is not None
    assert order.personal.delivery.city == "Kraków"


def test_allegro_invoice_keeps_the_nip() -> None:
    form = FORM | {"invoice": FORM["invoice"] | {"required": True}}
    order = parse_checkout_form(ChannelId("allegro"), form)
    assert order.invoice_requested is True
    assert order.personal is not None
    assert order.personal.nip == "5260250274"


@pytest.mark.parametrize(
    "broken",
    [
        {"status": "TELEPORTED"},
        {"lineItems": [{"id": "li", "offer": {"id": "1"}, "quantity": 0}]},
        {"updatedAt": None},
    ],
)
def test_allegro_malformed_form_is_rejected(broken: dict[str, Any]) -> None:
    with pytest.raises((InvalidValue, KeyError, TypeError, ValueError)):
        parse_checkout_form(ChannelId("allegro"), FORM | broken)


def test_woo_order_with_variation_and_nip_meta() -> None:
    raw = {
        "id": 1008,
        "status": "processing",
        "date_modified_gmt": "2026-11-27T10:00:00",
        "billing": {"first_name": "Jan", "last_name": "Kos", "email": "j@example.com"},
        "shipping": {"first_name": "Jan", "last_name": "Kos", "address_1": "Lipowa 2"},
        "meta_data": [{"key": "_billing_nip", "value": "5260250274"}],
        "line_items": [{"id": 5, "product_id": 20, "variation_id": 22, "quantity": 1}],
    }
    order = parse_woo_order(ChannelId("sklep"), raw)
    assert order.status is OrderStatus.PAID
    assert order.lines[0].offer_id == "20:22"
    assert order.invoice_requested is True
    assert order.personal is not None
    assert order.personal.delivery is not None
    assert order.personal.delivery.street == "Lipowa 2"


def test_the_payment_time_is_read_from_allegro_and_woocommerce() -> None:
    paid = FORM | {"payment": {"id": "p-1", "type": "ONLINE",
                               "finishedAt": "2026-11-24T08:15:30.123Z"}}  # fmt: skip
    assert parse_checkout_form(ChannelId("allegro"), paid).paid_at == datetime(
        2026, 11, 24, 8, 15, 30, 123000, tzinfo=UTC
    )
    cod = FORM | {"payment": {"id": "p-2", "type": "CASH_ON_DELIVERY", "finishedAt": None}}
    assert parse_checkout_form(ChannelId("allegro"), cod).paid_at is None
    assert parse_checkout_form(ChannelId("allegro"), FORM).paid_at is None
    raw = {
        "id": 1009,
        "status": "processing",
        "date_modified_gmt": "2026-11-27T10:00:00",
        "date_paid": "2026-11-25T10:05:00",  # the site's time zone: not used
        "date_paid_gmt": "2026-11-25T09:05:00",
        "line_items": [{"id": 5, "product_id": 20, "quantity": 1}],
    }
    assert parse_woo_order(ChannelId("sklep"), raw).paid_at == datetime(
        2026, 11, 25, 9, 5, tzinfo=UTC
    )
    unpaid = raw | {"status": "on-hold", "date_paid": None, "date_paid_gmt": None}
    assert parse_woo_order(ChannelId("sklep"), unpaid).paid_at is None


def test_amazon_order_reads_the_nested_fulfillment_status() -> None:
    raw = {
        "orderId": "402-1",
        "lastUpdatedTime": "2026-11-27T10:00:00Z",
        "fulfillment": {"fulfillmentStatus": "CANCELLED"},
        "fulfillmentStatus": "UNSHIPPED",  # a top-level field is not where 2026-01-01 puts it
        "orderItems": [{"orderItemId": "i1", "product": {"sellerSku": "S"}, "quantityOrdered": 1}],
    }
    order = parse_amazon_order(ChannelId("amazon"), raw)
    assert order.status is OrderStatus.CANCELLED
    assert order.personal is None  # no buyer data requested or given


@pytest.mark.parametrize(
    ("invoice", "policy", "kept"),
    [
        (False, ContactPolicy(), (None, None, None)),
        (True, ContactPolicy(), ("123", None, None)),
        (False, ContactPolicy(keep_email=True), (None, "e@x.pl", None)),
        (True, ContactPolicy(keep_email=True, keep_phone=True), ("123", "e@x.pl", "600")),
    ],
)
def test_minimise_keeps_only_what_is_needed(
    invoice: bool, policy: ContactPolicy, kept: tuple[str | None, ...]
) -> None:
    full = PersonalData(name="N", nip="123", email="e@x.pl", phone="600")
    out = minimise(full, invoice, policy)
    assert (out.nip, out.email, out.phone) == kept
    assert out.name == "N"


def test_amazon_adapter_poll_lines_carry_the_nested_status() -> None:
    """Regression: the adapter's ``order_lines`` reads ``fulfillment.fulfillmentStatus``."""
    from omnistock.channels.amazon.orders import order_lines

    raw = {
        "orderId": "402-1",
        "lastUpdatedTime": "2026-11-27T10:00:00Z",
        "fulfillment": {"fulfillmentStatus": "CANCELLED"},
        "orderItems": [{"orderItemId": "i1", "product": {"sellerSku": "S"}, "quantityOrdered": 1}],
    }
    assert [line.status for line in order_lines(raw)] == ["CANCELLED"]
