"""WooCommerce orders for the importer: full orders by ``modified_after`` polling and webhooks.

Implements ``omnistock.service.order_ports.OrderFeed`` with one feed, ``orders``:
``GET /orders?modified_after=<watermark>&dates_are_gmt=true&orderby=modified&order=asc`` (100
per page); the cursor is ``"<watermark>|<page>"`` and after the last page the watermark moves to
the newest ``date_modified_gmt`` minus one second (``modified_after`` is exclusive; the overlap
re-reads an order or two, harmlessly). The listing carries full orders, so nothing is fetched
again. A verified webhook body (``order.created``/``order.updated``) is the same order JSON:
pass it to ``omnistock.service.orders.receive_order`` with this feed.

The NIP is read from order meta (``_billing_nip``, ``billing_nip``, ``nip``, ``vat_number``…,
as Polish invoice plugins store it); an invoice is requested when a NIP is present.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.channels.base import MalformedResponse, PermanentChannelError
from omnistock.channels.http import ChannelHttp, json_body
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import Address, ObservedOrder, OrderLine, PersonalData
from omnistock.domain.orders import channel_status as map_status
from omnistock.domain.orders.feed import FeedEntry, FeedPage

__all__ = ["NIP_KEYS", "WooOrderFeed", "parse_woo_order"]

PAGE_SIZE = 100
OVERLAP = timedelta(seconds=1)
FIRST_LOOKBACK = timedelta(days=1)
CENT = Decimal("0.01")
NIP_KEYS = frozenset({"_billing_nip", "billing_nip", "nip", "_nip", "vat_number", "_vat_number"})


def _gmt(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WooOrderFeed:
    """One shop's orders (synchronous, through the adapter's ``ChannelHttp``)."""

    feeds = ("orders",)

    def __init__(self, http: ChannelHttp, *, clock: Callable[[], datetime] | None = None) -> None:
        self.http = http
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def channel(self) -> ChannelId:
        return ChannelId(self.http.channel)

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        if feed != "orders":
            raise InvalidValue(f"WooCommerce has no order feed {feed!r}", field="feed")
        mark, _, page_text = (cursor or "").partition("|")
        after = _gmt(mark) if mark else self._clock() - FIRST_LOOKBACK
        page = int(page_text or 1)
        params = {
            "modified_after": after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "dates_are_gmt": "true",
            "orderby": "modified",
            "order": "asc",
            "per_page": PAGE_SIZE,
            "page": page,
        }
        body = json_body(self.http.request("GET", "/orders", params=params), self.http.channel)
        if not isinstance(body, list):
            raise MalformedResponse(f"{self.channel}: order list is not a list")
        entries = tuple(
            FeedEntry(external_id=str(o.get("id", "")), raw=o) for o in body if isinstance(o, dict)
        )
        if len(body) >= PAGE_SIZE:
            return FeedPage(
                entries=entries, cursor=f"{after.isoformat()}|{page + 1}", has_more=True
            )
        stamps = [_gmt(o["date_modified_gmt"]) for o in body if o.get("date_modified_gmt")]
        mark_after = max([after, *(s - OVERLAP for s in stamps)])
        return FeedPage(entries=entries, cursor=f"{mark_after.isoformat()}|1")

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        return f"{moment.astimezone(UTC).isoformat()}|1" if feed == "orders" else None

    def fetch(self, external_id: str) -> Mapping[str, Any] | None:
        try:
            response = self.http.request("GET", f"/orders/{external_id}")
        except PermanentChannelError as exc:
            if exc.http_status == 404:
                return None
            raise
        body = json_body(response, self.http.channel)
        return body if isinstance(body, dict) else None

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        return parse_woo_order(self.channel, raw)


def _offer(line: Mapping[str, Any]) -> str:
    product, variation = int(line.get("product_id") or 0), int(line.get("variation_id") or 0)
    if not product:
        raise InvalidValue("line without a product id", field="product_id")
    return f"{product}:{variation}" if variation else str(product)


def _amount(raw: Mapping[str, Any], *keys: str) -> Decimal | None:
    """The sum of the money fields ``keys`` (decimal strings); ``None`` when the first is absent."""
    if raw.get(keys[0]) in (None, ""):
        return None
    try:
        return sum((Decimal(str(raw.get(k) or 0)) for k in keys), Decimal(0))
    except InvalidOperation:
        raise InvalidValue(f"not an amount in {keys}", field=keys[0]) from None


def _line(line: Mapping[str, Any], currency: str | None) -> OrderLine:
    """Unit gross = (``total`` + ``total_tax``) / quantity: the paid price after discounts."""
    quantity = int(line["quantity"])
    total = _amount(line, "total", "total_tax")
    unit = (total / quantity).quantize(CENT) if total is not None and quantity > 0 else None
    return OrderLine(line_id=str(line["id"]), offer_id=_offer(line), quantity=quantity,
                     unit_gross=unit, currency=currency if unit is not None else None)  # fmt: skip


def _address(part: Mapping[str, Any]) -> Address:
    street = " ".join(str(part.get(k) or "") for k in ("address_1", "address_2")).strip()
    return Address(
        name=" ".join(str(part.get(k) or "") for k in ("first_name", "last_name")).strip(),
        company=str(part.get("company") or ""),
        street=street,
        city=str(part.get("city") or ""),
        post_code=str(part.get("postcode") or ""),
        country=str(part.get("country") or "PL"),
    )


def _nip(raw: Mapping[str, Any]) -> str | None:
    for meta in raw.get("meta_data") or []:
        if isinstance(meta, dict) and str(meta.get("key", "")).lower() in NIP_KEYS:
            value = str(meta.get("value") or "").strip()
            if value:
                return value
    return None


def parse_woo_order(channel: ChannelId, raw: Mapping[str, Any]) -> ObservedOrder:
    """A WooCommerce order as an ``ObservedOrder``; ``InvalidValue``/``KeyError`` if malformed."""
    status = map_status("woocommerce", str(raw["status"]))
    if status is None:
        raise InvalidValue(f"unknown status {raw['status']!r}", field="status")
    billing, shipping = raw.get("billing") or {}, raw.get("shipping") or {}
    nip = _nip(raw)
    delivery = shipping if shipping.get("address_1") else billing
    personal = PersonalData(
        name=_address(billing).name,
        delivery=_address(delivery),
        invoice=_address(billing) if nip else None,
        nip=nip,
        email=billing.get("email") or None,
        phone=billing.get("phone") or shipping.get("phone") or None,
        buyer_ref=f"woocommerce:{raw['customer_id']}" if raw.get("customer_id") else None,
    )
    currency = str(raw["currency"]).upper() if raw.get("currency") else None
    return ObservedOrder(
        channel=channel,
        external_id=str(raw["id"]),
        status=status,
        channel_status=str(raw["status"]),
        lines=tuple(_line(ln, currency) for ln in raw["line_items"]),
        updated_at=_gmt(raw.get("date_modified_gmt") or raw["date_modified"]),
        invoice_requested=nip is not None,
        personal=personal,
        currency=currency,
        delivery_gross=_amount(raw, "shipping_total", "shipping_tax"),
        paid_at=_gmt(raw["date_paid_gmt"]) if raw.get("date_paid_gmt") else None,
    )
