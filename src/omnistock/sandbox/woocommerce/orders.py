"""Orders placed by buyers and their status changes, moving stock the way WooCommerce does.

Stock is reduced once when an order reaches ``processing``, ``on-hold`` or ``completed``
(``wc_maybe_reduce_stock_levels``) and given back when it is ``cancelled``
(``wc_maybe_increase_stock_levels``); a refund restocks only when asked to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.sandbox.woocommerce.catalog import Catalog, Item

ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "trash",
)
REDUCING = ("processing", "on-hold", "completed")
PAID = ("processing", "completed")  # wc_get_is_paid_statuses(): date_paid is set on reaching one
SHIPPING_TOTAL = Decimal("13.99")


@dataclass(slots=True)
class Order:
    id: int
    order_key: str
    status: str
    date_created: datetime
    date_modified: datetime
    billing: dict[str, str]
    shipping: dict[str, str]
    line_items: list[dict[str, Any]]
    total: str
    shipping_total: str = f"{SHIPPING_TOTAL}"
    payment_method: str = "przelewy24"
    payment_method_title: str = "Przelewy24"
    customer_note: str = ""
    date_paid: datetime | None = None
    date_completed: datetime | None = None
    stock_reduced: bool = False
    shipping_lines: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    meta_data: list[dict[str, Any]] = field(default_factory=list)


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


class OrderBook:
    """Orders by id; every change goes through the shop's catalog for stock."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.orders: dict[int, Order] = {}
        self.next_id = 1001
        self.next_line_id = 1

    def _line(self, item: Item, quantity: int) -> dict[str, Any]:
        price = Decimal(item.regular_price or "0")
        parent = self.catalog.items[item.parent_id] if item.parent_id else item
        line = {
            "id": self.next_line_id,
            "name": parent.name
            if not item.parent_id
            else f"{parent.name} - {item.name}".rstrip(" -"),
            "product_id": parent.id,
            "variation_id": item.id if item.parent_id else 0,
            "quantity": quantity,
            "tax_class": "",
            "subtotal": _money(price * quantity),
            "subtotal_tax": "0.00",
            "total": _money(price * quantity),
            "total_tax": "0.00",
            "taxes": [],
            "meta_data": [],
            "sku": item.sku,
            "price": float(price),
        }
        self.next_line_id += 1
        return line

    def place(
        self,
        lines: list[tuple[Item, int]],
        buyer: dict[str, dict[str, str]],
        status: str,
        now: datetime,
    ) -> Order:
        """A buyer's checkout: validate every line, create the order, then move stock."""
        if status not in ("pending", *REDUCING):
            raise InvalidValue(f"a new order cannot be {status!r}", field="status")
        if status in REDUCING:
            self._check_available(lines)
        items = [self._line(item, quantity) for item, quantity in lines]
        total = sum((Decimal(line["total"]) for line in items), SHIPPING_TOTAL)
        order = Order(
            id=self.next_id,
            order_key=f"wc_order_{secrets.token_hex(6)}",
            status="pending",
            date_created=now,
            date_modified=now,
            billing=buyer["billing"],
            shipping=buyer["shipping"],
            line_items=items,
            total=_money(total),
            shipping_lines=[self._shipping_line()],
        )
        self.next_line_id += 1
        self.next_id += 1
        self.orders[order.id] = order
        self.set_status(order, status, now)
        return order

    def _shipping_line(self) -> dict[str, Any]:
        return {
            "id": self.next_line_id,
            "method_title": "InPost Paczkomat 24/7",
            "method_id": "flat_rate",
            "total": _money(SHIPPING_TOTAL),
            "total_tax": "0.00",
            "taxes": [],
            "meta_data": [],
        }

    def _check_available(self, lines: list[tuple[Item, int]]) -> None:
        for item, quantity in lines:
            if quantity < 1:
                raise InvalidValue("quantity must be at least 1", field="quantity")
            if item.stock_status == "outofstock":
                raise Conflict(f"{item.sku or item.id} is out of stock", field="lines")
            short = item.manage_stock and item.backorders == "no"
            if short and (item.stock_quantity or 0) < quantity:
                raise Conflict(
                    f"not enough stock of {item.sku or item.id}: {item.stock_quantity} left",
                    field="lines",
                )

    def set_status(
        self, order: Order, status: str, now: datetime, *, restock: bool = False
    ) -> Order:
        """Change the status with WooCommerce's stock side effects."""
        if status not in ORDER_STATUSES:
            raise InvalidValue(f"unknown order status {status!r}", field="status")
        if status in REDUCING and not order.stock_reduced:
            self._check_available(self._lines(order))
            self._move_stock(order, -1, now)
        if order.stock_reduced and (status == "cancelled" or (status == "refunded" and restock)):
            self._move_stock(order, +1, now)
        if status == "refunded":
            order.refunds.append(
                {"id": len(order.refunds) + 1, "reason": "", "total": f"-{order.total}"}
            )
        if status in PAID and order.date_paid is None:
            order.date_paid = now
        if status == "completed":
            order.date_completed = now
        order.status = status
        order.date_modified = now
        return order

    def _lines(self, order: Order) -> list[tuple[Item, int]]:
        found = []
        for line in order.line_items:
            item = self.catalog.items.get(line["variation_id"] or line["product_id"])
            if item is not None:
                found.append((item, int(line["quantity"])))
        return found

    def _move_stock(self, order: Order, sign: int, now: datetime) -> None:
        for item, quantity in self._lines(order):
            self.catalog.change_stock(item, sign * quantity, now)
            if sign < 0:
                item.total_sales += quantity
        order.stock_reduced = sign < 0
