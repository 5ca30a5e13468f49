"""Each channel's order statuses mapped onto :class:`OrderStatus` (``None`` = not understood).

- Allegro: the checkout form's ``status`` and ``fulfillment.status`` together.
- WooCommerce: the order ``status``.
- Amazon (Orders 2026-01-01): ``fulfillment.fulfillmentStatus``.
"""

from __future__ import annotations

from omnistock.domain.orders.state import OrderStatus

__all__ = ["ALLEGRO_FULFILLMENT", "AMAZON", "WOOCOMMERCE", "allegro_status", "channel_status"]

S = OrderStatus

ALLEGRO_FORM = {
    "BOUGHT": S.NEW,
    "FILLED_IN": S.NEW,
    "READY_FOR_PROCESSING": S.PAID,
    "CANCELLED": S.CANCELLED,
}
ALLEGRO_FULFILLMENT = {
    "NEW": None,
    "PROCESSING": None,
    "SUSPENDED": None,
    "READY_FOR_SHIPMENT": S.READY,
    "READY_FOR_PICKUP": S.READY,
    "SENT": S.SHIPPED,
    "PICKED_UP": S.SHIPPED,
    "CANCELLED": S.CANCELLED,
    "RETURNED": S.RETURNED,
}
WOOCOMMERCE = {
    "pending": S.NEW,
    "on-hold": S.NEW,
    "checkout-draft": S.NEW,
    "processing": S.PAID,
    "completed": S.SHIPPED,
    "cancelled": S.CANCELLED,
    "failed": S.CANCELLED,
    "refunded": S.RETURNED,
}
AMAZON = {
    "PENDING": S.NEW,
    "UNSHIPPED": S.PAID,
    "PARTIALLY_SHIPPED": S.READY,
    "SHIPPED": S.SHIPPED,
    "CANCELLED": S.CANCELLED,
    "UNFULFILLABLE": S.CANCELLED,
}


def allegro_status(form_status: str, fulfillment_status: str | None) -> OrderStatus | None:
    """Allegro: a cancelled form wins; then a fulfilment state that says more than the form."""
    base = ALLEGRO_FORM.get(form_status)
    if base is None or base is S.CANCELLED:
        return base
    if fulfillment_status is None:
        return base
    if fulfillment_status not in ALLEGRO_FULFILLMENT:
        return None
    return ALLEGRO_FULFILLMENT[fulfillment_status] or base


def channel_status(kind: str, status: str) -> OrderStatus | None:
    """WooCommerce or Amazon status → :class:`OrderStatus`; ``None`` if unknown."""
    table = WOOCOMMERCE if kind == "woocommerce" else AMAZON if kind == "amazon" else {}
    return table.get(status)
