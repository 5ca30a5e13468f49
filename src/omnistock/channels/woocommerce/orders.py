"""WooCommerce order polling: ``GET /orders?modified_after=…`` with pages, as a safety net.

The cursor is ``<watermark>|<page>``: the ``date_modified_gmt`` watermark (UTC, ISO 8601) and
the page to read next. A full page moves to the next page; the last page moves the watermark to
the newest ``date_modified_gmt`` seen minus ``OVERLAP`` (``modified_after`` is exclusive and
orders change while we page), so some orders come twice: the importer dedupes by
``(order id, date_modified)``. Without a cursor, polling starts ``FIRST_LOOKBACK`` ago.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from omnistock.channels.base import ChannelOrder, MalformedResponse, OrderPage
from omnistock.channels.http import ChannelHttp, json_body

__all__ = ["FIRST_LOOKBACK", "OVERLAP", "PAGE_SIZE", "order_lines", "poll_orders"]

PAGE_SIZE = 100
OVERLAP = timedelta(seconds=1)
FIRST_LOOKBACK = timedelta(days=1)


def _gmt(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def order_lines(order: dict[str, Any]) -> list[ChannelOrder]:
    """One ``ChannelOrder`` per line item (ids, quantities, status — no personal data)."""
    updated = _gmt(order.get("date_modified_gmt") or order["date_modified"])
    lines = []
    for line in order.get("line_items", []):
        product, variation = int(line.get("product_id") or 0), int(line.get("variation_id") or 0)
        lines.append(
            ChannelOrder(
                order_id=str(order["id"]),
                offer_id=f"{product}:{variation}" if variation else str(product),
                quantity=int(line["quantity"]),
                status=str(order["status"]),
                updated_at=updated,
            )
        )
    return lines


def _parse_cursor(cursor: str | None, now: datetime) -> tuple[datetime, int]:
    if not cursor:
        return now - FIRST_LOOKBACK, 1
    watermark, _, page = cursor.partition("|")
    return _gmt(watermark), int(page or 1)


def poll_orders(http: ChannelHttp, cursor: str | None, now: datetime | None = None) -> OrderPage:
    """One page of orders modified after the cursor's watermark."""
    after, page = _parse_cursor(cursor, now or datetime.now(UTC))
    params = {
        "modified_after": after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "dates_are_gmt": "true",
        "orderby": "modified",
        "order": "asc",
        "per_page": PAGE_SIZE,
        "page": page,
    }
    body = json_body(http.request("GET", "/orders", params=params), http.channel)
    if not isinstance(body, list):
        raise MalformedResponse(f"{http.channel}: order list is not a list", channel=http.channel)
    try:
        orders = [line for order in body for line in order_lines(order)]
        newest = max((_gmt(o.get("date_modified_gmt")) for o in body), default=None)
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedResponse(f"{http.channel}: unreadable order", channel=http.channel) from exc
    if len(body) >= PAGE_SIZE:
        return OrderPage(
            orders=tuple(orders), cursor=f"{after.isoformat()}|{page + 1}", has_more=True
        )
    mark = max(after, newest - OVERLAP) if newest else after
    return OrderPage(orders=tuple(orders), cursor=f"{mark.isoformat()}|1", has_more=False)
