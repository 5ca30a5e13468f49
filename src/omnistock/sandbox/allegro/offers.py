"""The seller's offers as Allegro keeps them: stock, price, publication status, external id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from omnistock.sandbox.allegro.content import OfferContent

__all__ = ["MAX_STOCK", "Offer", "OfferBook", "OfferListener", "OfferQuery", "OfferStatus"]

MAX_STOCK = 99_999
OfferListener = Callable[[str, "Offer", datetime], None]
"""Called with (event type, offer, time) whenever an offer event happens."""


class OfferStatus(StrEnum):
    """``publication.status`` values."""

    INACTIVE = "INACTIVE"
    ACTIVE = "ACTIVE"
    ACTIVATING = "ACTIVATING"
    ENDED = "ENDED"


@dataclass(slots=True, kw_only=True)
class Offer:
    """One offer (mutable sandbox state)."""

    id: str
    name: str
    price: Decimal
    available: int
    status: OfferStatus
    created_at: datetime
    updated_at: datetime
    currency: str = "PLN"
    sold: int = 0
    external_id: str | None = None
    category_id: str = "257931"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None
    parameters: dict[str, list[str]] = field(default_factory=dict)
    content: OfferContent = field(default_factory=OfferContent)
    listener: OfferListener | None = field(default=None, repr=False, compare=False)

    @property
    def live(self) -> bool:
        """ACTIVE or ACTIVATING: the offers Allegro reports events for."""
        return self.status in (OfferStatus.ACTIVE, OfferStatus.ACTIVATING)

    def set_available(self, quantity: int, now: datetime, *, ended_by: str = "USER") -> None:
        """Set stock; reaching 0 ends an active offer, as Allegro does."""
        changed, self.available, self.updated_at = quantity != self.available, quantity, now
        if changed and self.live:
            self._emit("OFFER_STOCK_CHANGED", now)
        if quantity == 0 and self.live:
            self.end(now, ended_by)

    def set_price(self, price: Decimal, currency: str, now: datetime) -> None:
        """Change the buy-now price."""
        changed = (price, currency) != (self.price, self.currency)
        self.price, self.currency, self.updated_at = price, currency, now
        if changed and self.live:
            self._emit("OFFER_PRICE_CHANGED", now)

    def touch(self, now: datetime) -> None:
        """Other fields changed (name, parameters, external id)."""
        self.updated_at = now
        if self.live:
            self._emit("OFFER_CHANGED", now)

    def end(self, now: datetime, ended_by: str = "USER") -> None:
        """Publication status → ENDED."""
        was_live = self.live
        self.status, self.ended_at, self.ended_by, self.updated_at = (
            OfferStatus.ENDED,
            now,
            ended_by,
            now,
        )
        if was_live:
            self._emit("OFFER_ENDED", now)

    def activate(self, now: datetime) -> None:
        """Publication status → ACTIVE."""
        was_live = self.live
        self.status, self.started_at, self.updated_at = OfferStatus.ACTIVE, now, now
        self.ended_at = self.ended_by = None
        if not was_live:
            self._emit("OFFER_ACTIVATED", now)

    def _emit(self, event_type: str, now: datetime) -> None:
        if self.listener is not None:
            self.listener(event_type, self, now)


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferQuery:
    """``GET /sale/offers`` filters."""

    ids: frozenset[str] = frozenset()
    external_ids: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    name: str | None = None
    category_id: str | None = None
    price_gte: Decimal | None = None
    price_lte: Decimal | None = None
    sort: str | None = None

    def matches(self, offer: Offer) -> bool:
        """Whether ``offer`` passes every filter."""
        checks = (
            not self.ids or offer.id in self.ids,
            not self.external_ids or offer.external_id in self.external_ids,
            not self.statuses or offer.status.value in self.statuses,
            not self.formats or "BUY_NOW" in self.formats,
            self.name is None or self.name.lower() in offer.name.lower(),
            self.category_id is None or offer.category_id == self.category_id,
            self.price_gte is None or offer.price >= self.price_gte,
            self.price_lte is None or offer.price <= self.price_lte,
        )
        return all(checks)


_SORT_KEYS = {
    "sellingMode.price.amount": lambda o: o.price,
    "stock.sold": lambda o: o.sold,
    "stock.available": lambda o: o.available,
}


@dataclass(slots=True)
class OfferBook:
    """All offers of the sandbox seller."""

    offers: dict[str, Offer] = field(default_factory=dict)
    next_number: int = 7_700_000_001
    listener: OfferListener | None = None

    def new_id(self) -> str:
        """A fresh numeric offer id."""
        while str(self.next_number) in self.offers:
            self.next_number += 1
        self.next_number += 1
        return str(self.next_number - 1)

    def add(self, offer: Offer) -> None:
        """Store ``offer`` under its id (its events go to the book's listener)."""
        offer.listener = self.listener
        self.offers[offer.id] = offer

    def get(self, offer_id: str) -> Offer | None:
        """The offer, or None."""
        return self.offers.get(offer_id)

    def search(self, query: OfferQuery) -> list[Offer]:
        """Matching offers; newest first unless ``query.sort`` says otherwise."""
        found = [o for o in self.offers.values() if query.matches(o)]
        if query.sort is None:
            return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)
        key = _SORT_KEYS[query.sort.lstrip("-")]
        return sorted(found, key=key, reverse=query.sort.startswith("-"))

    def all(self) -> Iterable[Offer]:
        """Every offer in insertion order."""
        return self.offers.values()
