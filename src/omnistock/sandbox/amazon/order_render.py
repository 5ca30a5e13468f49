"""JSON shape of an ``Order`` (orders_2026-01-01) for the requested ``includedData`` sets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from omnistock.sandbox.amazon.account import MARKETPLACES
from omnistock.sandbox.amazon.orders import Order, OrderLine, OrderStatus
from omnistock.sandbox.amazon.render import iso

__all__ = ["INCLUDED_DATA", "render_order"]

INCLUDED_DATA = frozenset(
    {
        "BUYER",
        "RECIPIENT",
        "PROCEEDS",
        "EXPENSE",
        "PROMOTION",
        "CANCELLATION",
        "FULFILLMENT",
        "PACKAGES",
        "TAX",
        "PAYMENT",
        "FULFILLMENT_ORDERS",
    }
)


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def _buyer(order: Order) -> dict[str, Any]:
    return {"buyerName": order.shopper.name, "buyerEmail": order.shopper.email}


def _recipient(order: Order) -> dict[str, Any]:
    shopper = order.shopper
    address = {
        "name": shopper.name,
        "addressLine1": shopper.street,
        "city": shopper.city,
        "postalCode": shopper.postal_code,
        "countryCode": "PL",
        "phone": shopper.phone,
        "addressType": "RESIDENTIAL",
    }
    return {"deliveryAddress": address}


def _breakdowns(item: Decimal, shipping: Decimal, currency: str) -> list[dict[str, Any]]:
    """``ITEM`` and, when the buyer pays for delivery, ``SHIPPING`` (both tax included, as
    prices are on the EU marketplaces; no ``TAX`` entry, so nothing is counted twice)."""
    found = [{"type": "ITEM", "subtotal": _money(item, currency)}]
    if shipping:
        found.append({"type": "SHIPPING", "subtotal": _money(shipping, currency)})
    return found


def _proceeds(order: Order) -> dict[str, Any]:
    """``OrderProceeds``: categories aggregated over every order item."""
    item = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
    shipping = sum((line.shipping_price for line in order.lines), Decimal(0))
    return {
        "grandTotal": _money(item + shipping, order.currency),
        "breakdowns": _breakdowns(item, shipping, order.currency),
    }


def _fulfillment(order: Order) -> dict[str, Any]:
    return {
        "fulfillmentStatus": order.status.value,
        "fulfilledBy": "MERCHANT",
        "fulfillmentServiceLevel": "STANDARD",
        "shipByWindow": {
            "earliestDateTime": iso(order.created),
            "latestDateTime": iso(order.created + timedelta(days=2)),
        },
    }


def _packages(order: Order) -> list[dict[str, Any]]:
    if order.shipped is None or order.tracking_number is None:
        return []
    return [
        {
            "packageReferenceId": "1",
            "createdTime": iso(order.shipped),
            "packageStatus": {"status": "SHIPPED"},
            "carrier": "InPost",
            "shipTime": iso(order.shipped),
            "trackingNumber": order.tracking_number,
            "packageItems": [
                {"orderItemId": line.order_item_id, "quantity": line.quantity}
                for line in order.lines
            ],
        }
    ]


def _line(order: Order, line: OrderLine, included: frozenset[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "orderItemId": line.order_item_id,
        "quantityOrdered": line.quantity,
        "programs": [],
        "product": {
            "asin": line.asin,
            "title": line.title,
            "sellerSku": line.sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": _money(line.unit_price, order.currency)},
        },
    }
    if "PROCEEDS" in included:
        amount = line.unit_price * line.quantity
        item["proceeds"] = {
            "proceedsTotal": _money(amount + line.shipping_price, order.currency),
            "breakdowns": _breakdowns(amount, line.shipping_price, order.currency),
        }
    if "FULFILLMENT" in included:
        done = line.quantity if order.status is OrderStatus.SHIPPED else 0
        item["fulfillment"] = {
            "quantityFulfilled": done,
            "quantityUnfulfilled": line.quantity - done,
        }
    if "CANCELLATION" in included and order.status is OrderStatus.CANCELLED:
        execution = {"cancelledBy": "BUYER", "cancelReason": order.cancel_reason or "NoInventory"}
        item["cancellation"] = {"cancellationExecution": execution}
    return item


_SECTIONS: dict[str, tuple[str, Callable[[Order], Any]]] = {
    "BUYER": ("buyer", _buyer),
    "RECIPIENT": ("recipient", _recipient),
    "PROCEEDS": ("proceeds", _proceeds),
    "FULFILLMENT": ("fulfillment", _fulfillment),
    "PACKAGES": ("packages", _packages),
}
_PERSONAL = frozenset({"BUYER", "RECIPIENT"})


def render_order(order: Order, included: frozenset[str]) -> dict[str, Any]:
    """The ``Order``; buyer and recipient are withheld while the order is ``PENDING``."""
    body: dict[str, Any] = {
        "orderId": order.order_id,
        "createdTime": iso(order.created),
        "lastUpdatedTime": iso(order.updated),
        "programs": [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": order.marketplace_id,
            "marketplaceName": MARKETPLACES.get(order.marketplace_id, "Amazon"),
        },
    }
    for name, (key, build) in _SECTIONS.items():
        if name in included and not (name in _PERSONAL and order.status is OrderStatus.PENDING):
            body[key] = build(order)
    body["orderItems"] = [_line(order, line, included) for line in order.lines]
    return body
