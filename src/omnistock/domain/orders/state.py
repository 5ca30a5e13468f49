"""The order state machine: new → paid → ready → shipped, with cancelled and returned.

Channels report an order's *current* state (level-triggered), possibly late, twice or out of
order. :func:`advance` decides what the stored state becomes: a forward move is taken, a stale
(backward) observation is ignored, and terminal states stay terminal (``shipped`` may still
become ``returned``).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ACTIVE", "OrderStatus", "advance"]


class OrderStatus(StrEnum):
    NEW = "new"
    PAID = "paid"
    READY = "ready"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    RETURNED = "returned"


ACTIVE = frozenset({OrderStatus.NEW, OrderStatus.PAID, OrderStatus.READY})
"""States in which the order's units are reserved."""

_RANK = {
    OrderStatus.NEW: 0,
    OrderStatus.PAID: 1,
    OrderStatus.READY: 2,
    OrderStatus.SHIPPED: 3,
    OrderStatus.CANCELLED: 3,
    OrderStatus.RETURNED: 4,
}


def advance(current: OrderStatus | None, observed: OrderStatus) -> OrderStatus:
    """The state after observing ``observed`` while stored as ``current`` (``None`` = unseen).

    >>> advance(OrderStatus.PAID, OrderStatus.NEW)   # a late, stale event
    <OrderStatus.PAID: 'paid'>
    >>> advance(OrderStatus.READY, OrderStatus.CANCELLED)
    <OrderStatus.CANCELLED: 'cancelled'>
    """
    if current is None or current is observed:
        return observed
    if current is OrderStatus.CANCELLED:
        return current
    if current is OrderStatus.SHIPPED:
        return OrderStatus.RETURNED if observed is OrderStatus.RETURNED else current
    if current is OrderStatus.RETURNED:
        return current
    return observed if _RANK[observed] > _RANK[current] else current
