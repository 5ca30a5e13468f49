"""Allegro orders for the importer: the event journal, the checkout-form cross-check, full forms.

Implements ``omnistock.service.order_ports.OrderFeed``:

- feed ``events`` — ``GET /order/events?from=<cursor>``; each page gives the distinct
  checkout-form ids it mentions (duplicates and reordering are harmless: the importer reads
  the *current* form); the cursor is the newest event id of the page (``None`` = the oldest
  retained event; ``reads.latest_event_id`` gives "from now").
- feed ``forms`` — the cross-check for events Allegro never emitted:
  ``GET /order/checkout-forms?updatedAt.gte=<watermark>&sort=updatedAt`` (100 per page, by
  ``offset``); the cursor is ``"<watermark>|<offset>"``; after the last page the watermark
  moves to the newest ``updatedAt`` seen (``gte``: that form comes again, harmlessly).
- ``fetch`` — ``GET /order/checkout-forms/{id}``; 404 (a purchase merged into a new form) →
  ``None``. Lines are keyed by ``lineItem.id``, which survives a merge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.channels.allegro.api import AllegroApi
from omnistock.channels.base import MalformedResponse, PermanentChannelError
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import (
    Address,
    ObservedOrder,
    OrderLine,
    PersonalData,
    allegro_status,
)
from omnistock.domain.orders.feed import FeedEntry, FeedPage

__all__ = ["EVENTS_LIMIT", "FORMS_LIMIT", "AllegroOrderFeed", "parse_checkout_form"]

EVENTS_LIMIT = 100
FORMS_LIMIT = 100
FIRST_CHECK = timedelta(hours=24)


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _list(body: Any, key: str, channel: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise MalformedResponse(f"{channel}: answer without a {key} list", channel=channel)
    return [i for i in items if isinstance(i, dict)]


def _event_order(event_id: str) -> tuple[int, str]:
    """Event ids are increasing decimal strings; a reordered page still ends at its newest."""
    return len(event_id), event_id


class AllegroOrderFeed:
    """One Allegro seller account's orders (synchronous, through ``AllegroApi``)."""

    feeds = ("events", "forms")

    def __init__(self, api: AllegroApi, *, clock: Callable[[], datetime] | None = None) -> None:
        self.api = api
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def channel(self) -> ChannelId:
        return ChannelId(self.api.channel)

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        if feed == "events":
            return self._events(cursor)
        if feed == "forms":
            return self._forms(cursor)
        raise InvalidValue(f"Allegro has no order feed {feed!r}", field="feed")

    def _events(self, cursor: str | None) -> FeedPage:
        params: dict[str, Any] = {"limit": EVENTS_LIMIT}
        if cursor:
            params["from"] = cursor
        events = _list(self.api.json("GET", "/order/events", params=params), "events", self.channel)
        ids: dict[str, None] = {}
        for event in events:
            form = ((event.get("order") or {}).get("checkoutForm") or {}).get("id")
            if form:
                ids[str(form)] = None
        seen = [str(e["id"]) for e in events if e.get("id")]
        last = max(seen, key=_event_order) if seen else cursor
        return FeedPage(
            entries=tuple(FeedEntry(external_id=i) for i in ids),
            cursor=last,
            has_more=len(events) >= EVENTS_LIMIT,
        )

    def _forms(self, cursor: str | None) -> FeedPage:
        mark, _, offset_text = (cursor or "").partition("|")
        since = _time(mark) if mark else self._clock() - FIRST_CHECK
        offset = int(offset_text or 0)
        params = {
            "updatedAt.gte": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "sort": "updatedAt",
            "limit": FORMS_LIMIT,
            "offset": offset,
        }
        body = self.api.json("GET", "/order/checkout-forms", params=params)
        forms = _list(body, "checkoutForms", self.channel)
        entries = tuple(FeedEntry(external_id=str(f.get("id", "")), raw=f) for f in forms)
        if len(forms) >= FORMS_LIMIT:
            next_cursor = f"{since.isoformat()}|{offset + len(forms)}"
            return FeedPage(entries=entries, cursor=next_cursor, has_more=True)
        newest = max((_time(f["updatedAt"]) for f in forms if f.get("updatedAt")), default=since)
        return FeedPage(entries=entries, cursor=f"{max(newest, since).isoformat()}|0")

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        """Only the cross-check can start at a time (event ids are not times)."""
        return f"{moment.astimezone(UTC).isoformat()}|0" if feed == "forms" else None

    def fetch(self, external_id: str) -> Mapping[str, Any] | None:
        try:
            body = self.api.json("GET", f"/order/checkout-forms/{external_id}")
        except PermanentChannelError as exc:
            if exc.http_status == 404:
                return None
            raise
        if not isinstance(body, dict):
            raise MalformedResponse(f"{self.channel}: checkout form is not an object")
        return body

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        return parse_checkout_form(self.channel, raw)


def _money(value: Any) -> tuple[Decimal | None, str | None]:
    """``{"amount": "123.45", "currency": "PLN"}`` → (amount, currency); absent → ``None``s."""
    if not isinstance(value, Mapping) or value.get("amount") in (None, ""):
        return None, None
    try:
        amount = Decimal(str(value["amount"]))
    except InvalidOperation:
        raise InvalidValue(f"not an amount: {value['amount']!r}", field="price") from None
    currency = value.get("currency")
    return amount, str(currency).upper() if currency else None


def _line(item: Mapping[str, Any]) -> OrderLine:
    unit_gross, currency = _money(item.get("price"))
    return OrderLine(
        line_id=str(item["id"]),
        offer_id=str(item["offer"]["id"]),
        quantity=int(item["quantity"]),
        unit_gross=unit_gross,
        currency=currency,
    )


def _lines(raw: Mapping[str, Any]) -> tuple[OrderLine, ...]:
    return tuple(_line(item) for item in raw["lineItems"])


def _currency(raw: Mapping[str, Any], lines: tuple[OrderLine, ...]) -> str | None:
    total = ((raw.get("summary") or {}).get("totalToPay")) or {}
    found = [line.currency for line in lines if line.currency] + [total.get("currency")]
    return next((str(c).upper() for c in found if c), None)


def _person(first: Any, last: Any) -> str:
    return " ".join(str(p) for p in (first, last) if p)


def _personal(raw: Mapping[str, Any], invoice_requested: bool) -> PersonalData:
    buyer = raw.get("buyer") or {}
    delivery = (raw.get("delivery") or {}).get("address") or {}
    invoice = (raw.get("invoice") or {}).get("address") or {}
    company = invoice.get("company") or {}
    nip = next(
        (i.get("value") for i in company.get("ids") or [] if i.get("type") == "PL_NIP"), None
    )
    natural = invoice.get("naturalPerson") or {}
    return PersonalData(
        name=_person(buyer.get("firstName"), buyer.get("lastName")) or str(buyer.get("login", "")),
        delivery=Address(
            name=_person(delivery.get("firstName"), delivery.get("lastName")),
            company=str(delivery.get("companyName") or ""),
            street=str(delivery.get("street") or ""),
            city=str(delivery.get("city") or ""),
            post_code=str(delivery.get("zipCode") or ""),
            country=str(delivery.get("countryCode") or "PL"),
        )
        if delivery
        else None,
        invoice=Address(
            name=_person(natural.get("firstName"), natural.get("lastName")),
            company=str(company.get("name") or ""),
            street=str(invoice.get("street") or ""),
            city=str(invoice.get("city") or ""),
            post_code=str(invoice.get("zipCode") or ""),
            country=str(invoice.get("countryCode") or "PL"),
        )
        if invoice_requested and invoice
        else None,
        nip=str(nip) if nip and invoice_requested else None,
        email=buyer.get("email"),
        phone=delivery.get("phoneNumber") or buyer.get("phoneNumber"),
        buyer_ref=f"allegro:{buyer['id']}" if buyer.get("id") else None,
    )


def parse_checkout_form(channel: ChannelId, raw: Mapping[str, Any]) -> ObservedOrder:
    """A ``CheckoutForm`` as an ``ObservedOrder``; ``InvalidValue``/``KeyError`` if malformed."""
    form_status = str(raw["status"])
    fulfillment = (raw.get("fulfillment") or {}).get("status")
    status = allegro_status(form_status, str(fulfillment) if fulfillment else None)
    if status is None:
        raise InvalidValue(f"unknown status {form_status}/{fulfillment}", field="status")
    invoice_requested = bool((raw.get("invoice") or {}).get("required"))
    lines = _lines(raw)
    return ObservedOrder(
        channel=channel,
        external_id=str(raw["id"]),
        status=status,
        channel_status=f"{form_status}/{fulfillment or '-'}",
        lines=lines,
        updated_at=_time(raw["updatedAt"]),
        invoice_requested=invoice_requested,
        personal=_personal(raw, invoice_requested),
        currency=_currency(raw, lines),
        delivery_gross=_money((raw.get("delivery") or {}).get("cost"))[0],
        paid_at=_paid_at(raw),
    )


def _paid_at(raw: Mapping[str, Any]) -> datetime | None:
    """``payment.finishedAt``: when the buyer's payment completed (absent: not paid, e.g. COD)."""
    finished = (raw.get("payment") or {}).get("finishedAt")
    return _time(finished) if finished else None
