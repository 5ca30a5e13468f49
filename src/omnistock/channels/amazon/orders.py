"""Amazon order polling: Orders API 2026-01-01 ``searchOrders`` with ``lastUpdatedAfter``.

The cursor is JSON ``{"after": <ISO>, "token": <paginationToken or null>}``. While pages remain
the token is carried (every other parameter must stay identical); after the last page the next
``after`` is the ``lastUpdatedBefore`` Amazon echoes (the bound of the finished search), so
nothing is skipped; an order updated exactly at the bound may come twice (the importer dedupes).
Without a cursor, polling starts ``FIRST_LOOKBACK`` ago.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from omnistock.channels.amazon.api import SpApi
from omnistock.channels.base import ChannelOrder, MalformedResponse, OrderPage

__all__ = ["FIRST_LOOKBACK", "PAGE_SIZE", "order_lines", "poll_orders"]

ORDERS = "/orders/2026-01-01/orders"
FIRST_LOOKBACK = timedelta(days=1)
PAGE_SIZE = 100


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_lines(order: dict[str, Any]) -> list[ChannelOrder]:
    """One ``ChannelOrder`` per order item (SKU, quantity, fulfillment status; no buyer data)."""
    updated = _time(order["lastUpdatedTime"])
    fulfillment = order.get("fulfillment") or {}
    status = str(fulfillment.get("fulfillmentStatus") or "UNKNOWN")
    return [
        ChannelOrder(
            order_id=str(order["orderId"]),
            offer_id=str(item["product"]["sellerSku"]),
            quantity=int(item["quantityOrdered"]),
            status=status,
            updated_at=updated,
        )
        for item in order.get("orderItems", [])
    ]


def poll_orders(api: SpApi, cursor: str | None, marketplace_id: str, now: datetime) -> OrderPage:
    """One page of orders updated after the cursor."""
    state = json.loads(cursor) if cursor else {"after": _iso(now - FIRST_LOOKBACK), "token": None}
    params: dict[str, Any] = {
        "lastUpdatedAfter": state["after"],
        "marketplaceIds": marketplace_id,
        "maxResultsPerPage": PAGE_SIZE,
        "includedData": "FULFILLMENT",
    }
    if state.get("token"):
        params["paginationToken"] = state["token"]
    body = api.json("GET", ORDERS, params=params)
    try:
        orders = tuple(line for order in body["orders"] for line in order_lines(order))
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedResponse(f"{api.channel}: unreadable order", channel=api.channel) from exc
    token = (body.get("pagination") or {}).get("nextToken")
    if token:
        return OrderPage(
            orders=orders,
            cursor=json.dumps({"after": state["after"], "token": token}),
            has_more=True,
        )
    bound = body.get("lastUpdatedBefore") or _iso(now)
    return OrderPage(orders=orders, cursor=json.dumps({"after": bound, "token": None}))
