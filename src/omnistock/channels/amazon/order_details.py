"""Amazon orders for the importer: ``searchOrders`` with ``lastUpdatedAfter`` and ``getOrder``.

Implements ``omnistock.service.order_ports.OrderFeed`` with one feed, ``orders``. Orders API
2026-01-01 ``GET /orders/2026-01-01/orders`` with
``includedData=FULFILLMENT,BUYER,RECIPIENT,PROCEEDS`` (status at
``fulfillment.fulfillmentStatus``; buyer data is withheld while an order is ``PENDING`` and
arrives with a later update; ``PROCEEDS`` carries the delivery charge for the invoice). The
cursor is the adapter's JSON ``{"after", "token"}``: pages follow ``paginationToken``; after the
last page ``after`` is the ``lastUpdatedBefore`` Amazon echoes. ``fetch`` is ``getOrder``.

The worker's ``OrderPolling`` reads two things from this feed: ``poll_quota``, the documented
``searchOrders`` plan (0.0056 calls/s, burst 20), so it never asks more often than Amazon allows
and keeps 5 calls for early polls; and ``sale_watch`` (with a quantity ``probe``, the adapter's
``getListingsItem`` read): Amazon takes ordered units off a listing at once, so a listing near
its last units that shows fewer than omnistock pushed is a sale to import **now** rather than at
the next regular poll (``omnistock.service.orders_signals``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.channels.amazon.api import SpApi
from omnistock.channels.base import MalformedResponse, PermanentChannelError
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import Address, ObservedOrder, OrderLine, PersonalData
from omnistock.domain.orders import channel_status as map_status
from omnistock.domain.orders.feed import FeedEntry, FeedPage
from omnistock.service.order_polling import PollQuota
from omnistock.service.orders_signals import QuantityProbe, SaleWatch

__all__ = ["INCLUDED", "SEARCH_ORDERS_PLAN", "AmazonOrderFeed", "parse_amazon_order"]

ORDERS = "/orders/2026-01-01/orders"
INCLUDED = "FULFILLMENT,BUYER,RECIPIENT,PROCEEDS"
PAGE_SIZE = 100
FIRST_LOOKBACK = timedelta(days=1)
SEARCH_ORDERS_PLAN = PollQuota(rate_per_s=0.0056, burst=20, reserve=5)
"""``searchOrders`` usage plan (orders_2026-01-01.json), 5 calls kept for polls on a sale."""


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AmazonOrderFeed:
    """One seller's orders in one marketplace (synchronous, through ``SpApi``)."""

    feeds = ("orders",)

    def __init__(
        self,
        api: SpApi,
        marketplace_id: str,
        *,
        clock: Callable[[], datetime] | None = None,
        probe: QuantityProbe | None = None,
    ) -> None:
        self.api = api
        self.marketplace_id = marketplace_id
        self._clock = clock or (lambda: datetime.now(UTC))
        self.poll_quota = SEARCH_ORDERS_PLAN
        self.sale_watch = SaleWatch(probe=probe) if probe is not None else None

    @property
    def channel(self) -> ChannelId:
        return ChannelId(self.api.channel)

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        if feed != "orders":
            raise InvalidValue(f"Amazon has no order feed {feed!r}", field="feed")
        start = {"after": _iso(self._clock() - FIRST_LOOKBACK), "token": None}
        state = json.loads(cursor) if cursor else start
        params: dict[str, Any] = {
            "lastUpdatedAfter": state["after"],
            "marketplaceIds": self.marketplace_id,
            "maxResultsPerPage": PAGE_SIZE,
            "includedData": INCLUDED,
        }
        if state.get("token"):
            params["paginationToken"] = state["token"]
        body = self.api.json("GET", ORDERS, params=params)
        found = body.get("orders") if isinstance(body, dict) else None
        if not isinstance(found, list):
            raise MalformedResponse(f"{self.channel}: answer without an orders list")
        entries = tuple(
            FeedEntry(external_id=str(o.get("orderId", "")), raw=o)
            for o in found
            if isinstance(o, dict)
        )
        token = (body.get("pagination") or {}).get("nextToken")
        if token:
            cursor_next = json.dumps({"after": state["after"], "token": token})
            return FeedPage(entries=entries, cursor=cursor_next, has_more=True)
        bound = body.get("lastUpdatedBefore") or _iso(self._clock())
        return FeedPage(entries=entries, cursor=json.dumps({"after": bound, "token": None}))

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        return json.dumps({"after": _iso(moment), "token": None}) if feed == "orders" else None

    def fetch(self, external_id: str) -> Mapping[str, Any] | None:
        params = {"includedData": INCLUDED}
        try:
            body = self.api.json("GET", f"{ORDERS}/{external_id}", params=params)
        except PermanentChannelError as exc:
            if exc.http_status == 404:
                return None
            raise
        order = body.get("order") if isinstance(body, dict) else None
        return order if isinstance(order, dict) else None

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        return parse_amazon_order(self.channel, raw)


def _personal(raw: Mapping[str, Any]) -> PersonalData | None:
    buyer = raw.get("buyer") or {}
    address = (raw.get("recipient") or {}).get("deliveryAddress") or {}
    if not buyer and not address:
        return None
    street = " ".join(str(address.get(k) or "") for k in ("addressLine1", "addressLine2"))
    return PersonalData(
        name=str(buyer.get("buyerName") or address.get("name") or ""),
        delivery=Address(
            name=str(address.get("name") or ""),
            street=street.strip(),
            city=str(address.get("city") or ""),
            post_code=str(address.get("postalCode") or ""),
            country=str(address.get("countryCode") or "PL"),
        )
        if address
        else None,
        email=buyer.get("buyerEmail") or None,
        phone=address.get("phone") or None,
    )


def _money(value: Any) -> tuple[Decimal | None, str | None]:
    """A ``Money`` object (``amount``, ``currencyCode``) → (amount, currency)."""
    if not isinstance(value, Mapping) or value.get("amount") in (None, ""):
        return None, None
    try:
        amount = Decimal(str(value["amount"]))
    except InvalidOperation:
        raise InvalidValue(f"not an amount: {value['amount']!r}", field="unitPrice") from None
    code = value.get("currencyCode")
    return amount, str(code).upper() if code else None


def _line(item: Mapping[str, Any]) -> OrderLine:
    """``product.price.unitPrice``: tax-inclusive on the EU marketplaces omnistock sells on."""
    product = item["product"]
    unit, currency = _money((product.get("price") or {}).get("unitPrice"))
    return OrderLine(line_id=str(item["orderItemId"]), offer_id=str(product["sellerSku"]),
                     quantity=int(item["quantityOrdered"]), unit_gross=unit,
                     currency=currency)  # fmt: skip


def _shipping(breakdowns: Any) -> tuple[Decimal, bool]:
    """(shipping + tax on shipping, whether a ``SHIPPING`` category was there) of one
    ``proceeds.breakdowns`` list (``TAX`` is split by ``detailedBreakdowns`` on items only)."""
    total, found = Decimal(0), False
    for part in breakdowns if isinstance(breakdowns, list) else []:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind == "SHIPPING":
            total += _money(part.get("subtotal"))[0] or Decimal(0)
            found = True
        elif kind == "TAX":
            for detail in part.get("detailedBreakdowns") or []:
                if isinstance(detail, Mapping) and detail.get("subtype") == "SHIPPING":
                    total += _money(detail.get("value"))[0] or Decimal(0)
    return total, found


def _delivery(raw: Mapping[str, Any]) -> Decimal | None:
    """What the buyer paid for delivery (gross), from ``includedData=PROCEEDS``.

    Per item: ``SHIPPING`` subtotals plus the ``TAX`` detailed ``SHIPPING`` parts; an order
    whose items carry no proceeds falls back to the order-level ``SHIPPING`` category. ``None``
    when Amazon reported no shipping charge at all (nothing to invoice).
    """
    items = [
        _shipping((item.get("proceeds") or {}).get("breakdowns"))
        for item in raw.get("orderItems") or []
        if isinstance(item, Mapping) and item.get("proceeds")
    ]
    if not items:
        items = [_shipping((raw.get("proceeds") or {}).get("breakdowns"))]
    if not any(found for _, found in items):
        return None
    return sum((amount for amount, _ in items), Decimal(0))


def parse_amazon_order(channel: ChannelId, raw: Mapping[str, Any]) -> ObservedOrder:
    """An Orders 2026-01-01 ``Order`` as an ``ObservedOrder``; ``InvalidValue`` if malformed."""
    raw_status = str((raw.get("fulfillment") or {}).get("fulfillmentStatus") or "")
    status = map_status("amazon", raw_status)
    if status is None:
        raise InvalidValue(f"unknown fulfillment status {raw_status!r}", field="fulfillmentStatus")
    lines = tuple(_line(item) for item in raw["orderItems"])
    return ObservedOrder(
        channel=channel,
        external_id=str(raw["orderId"]),
        status=status,
        channel_status=raw_status,
        lines=lines,
        updated_at=_time(raw["lastUpdatedTime"]),
        personal=_personal(raw),
        currency=next((line.currency for line in lines if line.currency), None),
        delivery_gross=_delivery(raw),
    )
