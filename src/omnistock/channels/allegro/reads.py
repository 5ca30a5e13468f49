"""Allegro reads: offer quantities (``GET /sale/offers``) and the ``/order/events`` journal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from omnistock.channels.allegro.api import AllegroApi
from omnistock.channels.base import ChannelOrder, MalformedResponse, OrderPage

__all__ = ["EVENTS_PAGE", "latest_event_id", "poll_orders", "read_quantities"]

EVENTS_PAGE = 100
IDS_PER_CALL = 100
SELLING = frozenset({"ACTIVE", "ACTIVATING"})


def read_quantities(api: AllegroApi, offer_ids: Sequence[str]) -> Mapping[str, int]:
    """What buyers can buy per offer: ``stock.available``, 0 for an offer not on sale."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(offer_ids))
    for start in range(0, len(unique), IDS_PER_CALL):
        chunk = unique[start : start + IDS_PER_CALL]
        params = [("offer.id", o) for o in chunk] + [("limit", str(len(chunk)))]
        body = api.json("GET", "/sale/offers", params=params)
        for offer in _list(body, "offers", api.channel):
            selling = offer.get("publication", {}).get("status") in SELLING
            found[str(offer["id"])] = (
                int(offer.get("stock", {}).get("available", 0)) if selling else 0
            )
    return found


def _list(body: Any, key: str, channel: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise MalformedResponse(f"{channel}: answer without a {key} list", channel=channel)
    return items


def _orders(event: Mapping[str, Any]) -> list[ChannelOrder]:
    order = event.get("order") or {}
    form_id = str(order.get("checkoutForm", {}).get("id", ""))
    moment = datetime.fromisoformat(str(event["occurredAt"]).replace("Z", "+00:00"))
    return [
        ChannelOrder(
            order_id=form_id,
            offer_id=str(line["offer"]["id"]),
            quantity=int(line["quantity"]),
            status=str(event["type"]),
            updated_at=moment,
        )
        for line in order.get("lineItems", [])
    ]


def poll_orders(api: AllegroApi, cursor: str | None) -> OrderPage:
    """Events after ``cursor`` (an event id; None = the oldest retained) as order lines.

    The new cursor is the highest event id of the page; ``has_more`` when the page was full.
    Events may repeat or come out of order (Allegro's journal does): the importer dedupes.
    """
    params: dict[str, str | int] = {"limit": EVENTS_PAGE}
    if cursor:
        params["from"] = cursor
    events = _list(api.json("GET", "/order/events", params=params), "events", api.channel)
    try:
        orders = tuple(o for e in events for o in _orders(e))
        ids = [int(e["id"]) for e in events]
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedResponse(
            f"{api.channel}: unreadable order event", channel=api.channel
        ) from exc
    next_cursor = str(max(ids)) if ids else cursor
    return OrderPage(orders=orders, cursor=next_cursor, has_more=len(events) >= EVENTS_PAGE)


def latest_event_id(api: AllegroApi) -> str:
    """The newest event id (``/order/event-stats``): a cursor that starts from now."""
    body = api.json("GET", "/order/event-stats")
    try:
        return str(body["latestEvent"]["id"])
    except (KeyError, TypeError) as exc:
        raise MalformedResponse(
            f"{api.channel}: unreadable event stats", channel=api.channel
        ) from exc
