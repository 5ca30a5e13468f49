"""Buyers' orders on the sandbox marketplace (Orders API 2026-01-01 data, merchant-fulfilled)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

__all__ = ["Order", "OrderBook", "OrderLine", "OrderStatus", "Shopper"]


class OrderStatus(StrEnum):
    """``FulfillmentStatus`` values the sandbox uses."""

    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    """One order item."""

    order_item_id: str
    sku: str
    asin: str
    title: str
    quantity: int
    unit_price: Decimal
    shipping_price: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Shopper:
    """Buyer and delivery address."""

    name: str
    email: str
    street: str
    city: str
    postal_code: str
    phone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """One order; ``updated`` changes with every status change."""

    order_id: str
    marketplace_id: str
    created: datetime
    updated: datetime
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    shopper: Shopper
    currency: str = "PLN"
    tracking_number: str | None = None
    shipped: datetime | None = None
    cancel_reason: str | None = None

    def sort_key(self, field: str) -> tuple[datetime, str]:
        """Key for ``createdTime`` or ``lastUpdatedTime`` ordering (ties by id)."""
        return (self.created if field == "created" else self.updated, self.order_id)


_FIRST = ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Michał", "Agnieszka", "Paweł")
_LAST = ("Nowak", "Kowalczyk", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zielińska")
_CITIES = (("Warszawa", "00-950"), ("Kraków", "30-001"), ("Łódź", "90-001"), ("Gdańsk", "80-001"))


class OrderBook:
    """Orders by id, with ids and buyer data drawn from a seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.orders: dict[str, Order] = {}

    def shopper(self) -> Shopper:
        """A plausible Polish buyer."""
        first, last = self._random.choice(_FIRST), self._random.choice(_LAST)
        city, postal = self._random.choice(_CITIES)
        token = "".join(self._random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=14))
        return Shopper(
            name=f"{first} {last}",
            email=f"{token}@marketplace.amazon.pl",
            street=f"ul. Polna {self._random.randint(1, 120)}",
            city=city,
            postal_code=postal,
            phone=f"+48 {self._random.randint(500, 899)} {self._random.randint(100, 999)} "
            f"{self._random.randint(100, 999)}",
        )

    def new_ids(self, lines: int) -> tuple[str, list[str]]:
        """A fresh order id (``4xx-xxxxxxx-xxxxxxx``) and order item ids."""
        r = self._random
        order_id = (
            f"{r.randint(402, 408)}-{r.randint(0, 9_999_999):07d}-{r.randint(0, 9_999_999):07d}"
        )
        return order_id, [f"{r.randint(10**13, 10**14 - 1)}" for _ in range(lines)]

    def add(self, order: Order) -> None:
        """Store a new order."""
        self.orders[order.order_id] = order

    def change(self, order_id: str, status: OrderStatus, now: datetime, **extra: Any) -> Order:
        """Move an order to ``status`` and stamp ``updated``."""
        order = replace(self.orders[order_id], status=status, updated=now, **extra)
        self.orders[order_id] = order
        return order

    def tracking_number(self) -> str:
        """A carrier tracking number."""
        return f"6{self._random.randint(10**12, 10**13 - 1)}"
