"""The seller's offer event journal (``GET /sale/offer-events``).

Events are signals without values (``OFFER_STOCK_CHANGED`` carries no quantity: re-read the
offer). Only active offers produce them, except the ``OFFER_ENDED`` that ends one. Ids are
opaque base64 strings growing in emission order; events older than 24 hours are gone.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from omnistock.sandbox.allegro.offers import Offer

__all__ = [
    "OFFER_EVENT_TYPES",
    "RETENTION",
    "OfferEvent",
    "OfferEventLog",
    "decode_id",
    "encode_id",
]

RETENTION = timedelta(hours=24)
OFFER_EVENT_TYPES = frozenset(
    {
        "OFFER_ACTIVATED",
        "OFFER_CHANGED",
        "OFFER_ENDED",
        "OFFER_STOCK_CHANGED",
        "OFFER_PRICE_CHANGED",
        "OFFER_ARCHIVED",
        "OFFER_BID_PLACED",
        "OFFER_BID_CANCELED",
        "OFFER_TRANSLATION_UPDATED",
        "OFFER_VISIBILITY_CHANGED",
        "OFFER_DELIVERY_COUNTRIES_BLOCKED",
    }
)


def encode_id(seq: int) -> str:
    """``1132438574`` → ``MTEzMjQzODU3NA`` (the shape Allegro's ids have)."""
    return base64.urlsafe_b64encode(str(seq).encode()).decode().rstrip("=")


def decode_id(event_id: str) -> int | None:
    """The sequence number behind an id, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(event_id + "=" * (-len(event_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(raw) if raw.isdigit() else None


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferEvent:
    """One journal entry with the ``offer`` object served with it."""

    seq: int
    type: str
    occurred_at: datetime
    offer: dict[str, Any]


def _offer_ref(event_type: str, offer: Offer) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": offer.id}
    if offer.external_id or event_type == "OFFER_PRICE_CHANGED":
        ref["external"] = {"id": offer.external_id} if offer.external_id else {}
    if event_type == "OFFER_ENDED":
        ref["publication"] = {"endedBy": offer.ended_by or "UNKNOWN"}
    if event_type == "OFFER_PRICE_CHANGED":
        ref["marketplaces"] = [{"id": "allegro-pl", "changeType": "MANUAL"}]
    return ref


@dataclass(slots=True)
class OfferEventLog:
    """Every offer event; ``record`` is the offers' listener."""

    events: list[OfferEvent] = field(default_factory=list)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1_132_438_574))

    def record(self, event_type: str, offer: Offer, now: datetime) -> None:
        """Append an event about ``offer``."""
        self.events.append(
            OfferEvent(
                seq=next(self._seq),
                type=event_type,
                occurred_at=now,
                offer=_offer_ref(event_type, offer),
            )
        )

    def after(
        self, seq: int | None, types: set[str], limit: int, now: datetime
    ) -> list[OfferEvent]:
        """Events after ``seq`` of the last 24 hours, oldest first."""
        cutoff = now - RETENTION
        return [
            e
            for e in self.events
            if (seq is None or e.seq > seq)
            and (not types or e.type in types)
            and e.occurred_at >= cutoff
        ][:limit]
