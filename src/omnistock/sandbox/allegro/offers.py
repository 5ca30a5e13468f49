"""The seller's offers as Allegro keeps them: stock, price, publication status, external id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

__all__ = ["MAX_STOCK", "Offer", "OfferBook", "OfferQuery", "OfferStatus"]

MAX_STOCK = 99_999


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

    def set_available(self, quantity: int, now: datetime, *, ended_by: str = "USER") -> None:
        """Set stock; reaching 0 ends an active offer, as Allegro does."""
        self.available = quantity
        self.updated_at = now
        if quantity == 0 and self.status in (OfferStatus.ACTIVE, OfferStatus.ACTIVATING):
            self.end(now, ended_by)

    def end(self, now: datetime, ended_by: str = "USER") -> None:
        """Publication status → ENDED."""
        self.status, self.ended_at, self.ended_by, self.updated_at = (
            OfferStatus.ENDED,
            now,
            ended_by,
            now,
        )

    def activate(self, now: datetime) -> None:
        """Publication status → ACTIVE."""
        self.status, self.started_at, self.updated_at = OfferStatus.ACTIVE, now, now
        self.ended_at = self.ended_by = None


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

    def new_id(self) -> str:
        """A fresh numeric offer id."""
        while str(self.next_number) in self.offers:
            self.next_number += 1
        self.next_number += 1
        return str(self.next_number - 1)

    def add(self, offer: Offer) -> None:
        """Store ``offer`` under its id."""
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
