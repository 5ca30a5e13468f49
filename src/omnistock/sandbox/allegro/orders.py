"""Checkout forms and the order event journal.

A purchase decrements the offer's stock at once (an offer reaching 0 ends with ``EMPTY_STOCK``),
creates a checkout form and emits ``BOUGHT`` → ``FILLED_IN`` → ``READY_FOR_PROCESSING``. Purchases
paid together are merged into a new checkout form; the old ids then answer 404. Event ids grow in
emission order; events older than 60 days are no longer served.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from omnistock.sandbox.allegro.buyers import Buyer, Company
from omnistock.sandbox.allegro.render import event_order

__all__ = [
    "EVENT_RETENTION",
    "CheckoutForm",
    "FormStatus",
    "LineItem",
    "OrderBook",
    "OrderEvent",
    "new_uuid",
]

EVENT_RETENTION = timedelta(days=60)
FIRST_EVENT_ID = 1_800_000_000_000_001


class FormStatus(StrEnum):
    """``CheckoutForm.status``."""

    BOUGHT = "BOUGHT"
    FILLED_IN = "FILLED_IN"
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineItem:
    """One purchased offer."""

    id: str
    offer_id: str
    offer_name: str
    external_id: str | None
    quantity: int
    price: Decimal
    currency: str
    bought_at: datetime


@dataclass(slots=True, kw_only=True)
class CheckoutForm:
    """An order as ``GET /order/checkout-forms/{id}`` shows it (mutable sandbox state)."""

    id: str
    buyer: Buyer
    line_items: list[LineItem]
    status: FormStatus
    updated_at: datetime
    revision: str
    payment_id: str
    company: Company | None = None
    paid_at: datetime | None = None
    fulfillment_status: str = "NEW"
    delivery_cost: Decimal = Decimal("9.99")
    message_to_seller: str | None = None

    def total(self) -> Decimal:
        """Goods plus delivery."""
        return sum((li.price * li.quantity for li in self.line_items), Decimal(0)) + (
            self.delivery_cost
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent:
    """One journal entry; ``order`` is the snapshot served with it."""

    id: int
    type: str
    occurred_at: datetime
    order: dict[str, Any]


@dataclass(slots=True)
class OrderBook:
    """Every checkout form and event of the sandbox seller."""

    seller_id: str
    forms: dict[str, CheckoutForm] = field(default_factory=dict)
    events: list[OrderEvent] = field(default_factory=list)
    merged_away: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_EVENT_ID))

    def get(self, form_id: str) -> CheckoutForm | None:
        """A live checkout form (merged-away ids are gone)."""
        return self.forms.get(form_id)

    def add(self, form: CheckoutForm) -> None:
        """Store a new checkout form."""
        self.forms[form.id] = form

    def remove(self, form_id: str) -> None:
        """Drop a form merged into another one."""
        del self.forms[form_id]
        self.merged_away.add(form_id)

    def emit(self, event_type: str, form: CheckoutForm, now: datetime) -> OrderEvent:
        """Append an event about ``form``."""
        event = OrderEvent(
            id=next(self._ids), type=event_type, occurred_at=now, order=self.snapshot(form)
        )
        self.events.append(event)
        return event

    def events_after(
        self, after: int | None, types: set[str], limit: int, now: datetime
    ) -> list[OrderEvent]:
        """Events newer than ``after`` within the retention window, oldest first."""
        cutoff = now - EVENT_RETENTION
        return [
            e
            for e in self.events
            if (after is None or e.id > after)
            and (not types or e.type in types)
            and e.occurred_at >= cutoff
        ][:limit]

    def latest(self) -> OrderEvent | None:
        """The newest event."""
        return self.events[-1] if self.events else None

    def snapshot(self, form: CheckoutForm) -> dict[str, Any]:
        """The ``order`` object of an event."""
        return event_order(form, self.seller_id)


def new_uuid(rng: random.Random) -> str:
    """A random (seeded) version-4 UUID, as Allegro uses for forms and line items."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
