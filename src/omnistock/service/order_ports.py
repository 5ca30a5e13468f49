"""Ports of order import: the channel's order feed and the unit of work with ``orders``.

An ``OrderFeed`` is one channel account's way to learn about orders. It has one or more named
feeds (Allegro: ``events`` — the ``/order/events`` journal — and ``forms`` — the periodic
``checkout-forms?updatedAt.gte`` cross-check; WooCommerce and Amazon: ``orders``). ``changes``
returns the ids of orders that changed after a cursor (with the raw order when the listing
already carries it), ``fetch`` reads one full order (``None``: the channel no longer knows the
id, e.g. an Allegro purchase merged into another), ``parse`` turns a raw order into an
``ObservedOrder`` and raises ``InvalidValue`` when the payload is malformed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import Incident, Occurrence
from omnistock.domain.orders import ObservedOrder, OrderLine
from omnistock.domain.orders.feed import FeedEntry, FeedPage
from omnistock.service.ports import UnitOfWork

__all__ = ["FeedEntry", "FeedPage", "OrderFeed", "OrderStore", "OrderUow", "StoredOrderView"]


class OrderFeed(Protocol):
    @property
    def channel(self) -> ChannelId: ...

    @property
    def feeds(self) -> tuple[str, ...]: ...

    def changes(self, feed: str, cursor: str | None) -> FeedPage: ...

    def fetch(self, external_id: str) -> Mapping[str, Any] | None: ...

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        """A cursor of ``feed`` starting at ``moment``; ``None`` if that feed cannot."""

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder: ...


class StoredOrderView(Protocol):
    """What the service reads of a stored order (``omnistock.store`` ``StoredOrder``)."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> Any: ...
    @property
    def lines(self) -> tuple[OrderLine, ...]: ...
    @property
    def unlinked(self) -> bool: ...
    @property
    def channel_updated_at(self) -> datetime | None: ...


class OrderStore(Protocol):
    def claim(self, channel: ChannelId, external_id: str, *, now: datetime) -> Any: ...

    def save(self, order_id: int, values: dict[str, Any], lines: Sequence[OrderLine]) -> None: ...

    def set_invoice_terms(
        self, order_id: int, *, currency: str, delivery_gross: Decimal | None
    ) -> None: ...

    def absorb(self, channel: ChannelId, order_id: int, line_ids: Collection[str]) -> int: ...

    def mark_merged(self, channel: ChannelId, external_id: str, *, now: datetime) -> bool: ...

    def offer_skus(self, channel: ChannelId, offer_ids: Collection[str]) -> dict[str, Sku]: ...

    def cursor(self, channel: ChannelId, feed: str) -> str | None: ...

    def set_cursor(self, channel: ChannelId, feed: str, cursor: str, *, now: datetime) -> None: ...

    def quarantine(
        self, channel: ChannelId, external_id: str | None, reason: str, *, now: datetime
    ) -> int: ...

    def set_quarantined(self, quarantine_id: int, sealed: dict[str, str | None]) -> None: ...

    def quarantined(self, channel: ChannelId | None = None) -> list[dict[str, Any]]: ...

    def record_incident(self, occurrence: Occurrence, *, now: datetime) -> Incident: ...

    def get(self, order_id: int) -> Any: ...

    def list_orders(self, channel: ChannelId | None = None, limit: int = 1000) -> list[Any]: ...


class OrderUow(UnitOfWork, Protocol):
    @property
    def orders(self) -> OrderStore: ...
