"""What buyers and the seller's shipping do to orders, and how that moves listing quantities.

Placing an order takes the ordered units off the listing's ``DEFAULT`` quantity at once (as
Amazon reserves merchant-fulfilled stock); cancelling a pending or unshipped order gives them
back; shipping changes only the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from omnistock.domain.errors import Conflict, InvalidValue, UnknownListing
from omnistock.sandbox.amazon.orders import Order, OrderLine, OrderStatus
from omnistock.sandbox.amazon.sandbox import AmazonSandbox

__all__ = ["Purchase", "cancel_order", "confirm_order", "place_order", "ship_order"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Purchase:
    """One ordered SKU; ``shipping_price`` is what the buyer pays for its delivery (gross)."""

    sku: str
    quantity: int
    unit_price: Decimal
    shipping_price: Decimal = Decimal(0)


def _check_stock(sandbox: AmazonSandbox, purchases: Sequence[Purchase]) -> None:
    skus = [purchase.sku for purchase in purchases]
    for index, purchase in enumerate(purchases):
        field = f"items.{index}.sku"
        if skus.count(purchase.sku) > 1:
            raise InvalidValue(f"SKU {purchase.sku!r} is listed twice", field=field)
        listing = sandbox.listings.get(purchase.sku)
        if listing is None:
            raise UnknownListing(f"no listing with SKU {purchase.sku!r}", field=field)
        if (listing.quantity or 0) < purchase.quantity:
            raise Conflict(
                f"only {listing.quantity or 0} of {purchase.sku!r} available, "
                f"{purchase.quantity} ordered",
                field=f"items.{index}.quantity",
            )


def _take(sandbox: AmazonSandbox, purchase: Purchase, item_id: str, now: datetime) -> OrderLine:
    """Take the ordered units off the listing; the order line that records them."""
    listing = sandbox.listings.get(purchase.sku)
    assert listing is not None  # checked by _check_stock
    sandbox.listings.set_quantity(purchase.sku, (listing.quantity or 0) - purchase.quantity, now)
    return OrderLine(
        order_item_id=item_id,
        sku=purchase.sku,
        asin=listing.asin,
        title=listing.item_name,
        quantity=purchase.quantity,
        unit_price=purchase.unit_price,
        shipping_price=purchase.shipping_price,
    )


def place_order(
    sandbox: AmazonSandbox, purchases: Sequence[Purchase], *, marketplace_id: str, pending: bool
) -> Order:
    """Create an order and take its units off the listings (nothing changes on error)."""
    now = sandbox.settle()
    _check_stock(sandbox, purchases)
    order_id, item_ids = sandbox.orders.new_ids(len(purchases))
    lines = [
        _take(sandbox, purchase, item_id, now)
        for purchase, item_id in zip(purchases, item_ids, strict=True)
    ]
    order = Order(
        order_id=order_id,
        marketplace_id=marketplace_id,
        created=now,
        updated=now,
        status=OrderStatus.PENDING if pending else OrderStatus.UNSHIPPED,
        lines=tuple(lines),
        shopper=sandbox.orders.shopper(),
    )
    sandbox.orders.add(order)
    return order


def _order(sandbox: AmazonSandbox, order_id: str, allowed: Sequence[OrderStatus]) -> Order:
    order = sandbox.orders.orders.get(order_id)
    if order is None:
        raise UnknownListing(f"no order {order_id!r}", field="order_id")
    if order.status not in allowed:
        raise Conflict(f"order {order_id} is {order.status.value}", field="status")
    return order


def confirm_order(sandbox: AmazonSandbox, order_id: str) -> Order:
    """Payment authorized: ``PENDING`` → ``UNSHIPPED``."""
    _order(sandbox, order_id, (OrderStatus.PENDING,))
    return sandbox.orders.change(order_id, OrderStatus.UNSHIPPED, sandbox.settle())


def ship_order(sandbox: AmazonSandbox, order_id: str) -> Order:
    """The seller shipped everything: ``UNSHIPPED`` → ``SHIPPED`` with a tracking number."""
    _order(sandbox, order_id, (OrderStatus.UNSHIPPED,))
    now = sandbox.settle()
    return sandbox.orders.change(
        order_id,
        OrderStatus.SHIPPED,
        now,
        shipped=now,
        tracking_number=sandbox.orders.tracking_number(),
    )


def cancel_order(sandbox: AmazonSandbox, order_id: str, reason: str) -> Order:
    """Cancel a pending or unshipped order and give its units back to the listings."""
    order = _order(sandbox, order_id, (OrderStatus.PENDING, OrderStatus.UNSHIPPED))
    now = sandbox.settle()
    for line in order.lines:
        listing = sandbox.listings.get(line.sku)
        if listing is not None:
            sandbox.listings.set_quantity(line.sku, (listing.quantity or 0) + line.quantity, now)
    return sandbox.orders.change(order_id, OrderStatus.CANCELLED, now, cancel_reason=reason)
