"""An order as observed on a channel: ids, lines, status, and the minimum personal data.

Personal data (:class:`PersonalData`) is only what fulfilment, invoicing and returns need; the
store encrypts it. Everything else here holds ids and numbers only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from omnistock.domain.errors import DomainError, ErrorCode, InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.orders.state import OrderStatus

__all__ = [
    "MAX_REF",
    "Address",
    "ObservedOrder",
    "OrderLine",
    "PersonalData",
    "UnknownOrder",
    "line_ref",
]

MAX_REF = 100


class UnknownOrder(DomainError):
    """No stored order has this id."""

    code = ErrorCode.UNKNOWN_ORDER


def line_ref(channel: ChannelId, line_id: str) -> str:
    """The reservation/ledger reference of one order line (≤ ``MAX_REF`` characters).

    Keyed by the channel's *line* id, so an Allegro line that moves to a merged checkout form
    keeps its reservation.
    """
    ref = f"o:{channel}:{line_id}"
    if len(ref) <= MAX_REF:
        return ref
    return "o:" + hashlib.sha256(ref.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    """One line: the channel's line id and offer id, the quantity, the SKU once linked.

    ``unit_gross``/``currency``: the sale's gross unit price as the channel reports it (``None``
    when the channel gave none, and for lines imported before prices were kept).
    """

    line_id: str
    offer_id: str
    quantity: int
    sku: Sku | None = None
    unit_gross: Decimal | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if not self.line_id.strip():
            raise InvalidValue("an order line needs an id", field="line_id")
        if not self.offer_id.strip():
            raise InvalidValue("an order line needs an offer id", field="offer_id")
        if self.quantity <= 0:
            raise InvalidValue("ordered quantity must be positive", field="quantity")
        if self.unit_gross is not None and self.unit_gross < 0:
            raise InvalidValue("a unit price cannot be negative", field="unit_gross")


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address with the addressee (person and/or company)."""

    name: str = ""
    company: str = ""
    street: str = ""
    city: str = ""
    post_code: str = ""
    country: str = "PL"


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalData:
    """What fulfilment, invoicing and returns need; e-mail/phone only when configured.

    ``buyer_ref`` is the channel's buyer id (e.g. ``allegro:<id>``), stored only as a keyed hash.
    """

    name: str = ""
    delivery: Address | None = None
    invoice: Address | None = None
    nip: str | None = None
    email: str | None = None
    phone: str | None = None
    buyer_ref: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedOrder:
    """The current state of an order as one channel account reports it.

    ``currency`` and ``delivery_gross`` (the buyer's gross delivery cost) feed invoicing; they
    are ``None`` when the channel does not report them. ``paid_at`` is when the buyer paid, as
    the channel reports it (``None``: not paid yet or not reported).
    """

    channel: ChannelId
    external_id: str
    status: OrderStatus
    channel_status: str
    lines: tuple[OrderLine, ...]
    updated_at: datetime
    invoice_requested: bool = False
    personal: PersonalData | None = None
    currency: str | None = None
    delivery_gross: Decimal | None = None
    paid_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.external_id.strip():
            raise InvalidValue("an order needs an external id", field="external_id")
        if self.updated_at.tzinfo is None:
            raise InvalidValue("updated-at must be timezone-aware", field="updated_at")
        if self.paid_at is not None and self.paid_at.tzinfo is None:
            raise InvalidValue("paid-at must be timezone-aware", field="paid_at")
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise InvalidValue("an order line id is repeated", field="lines")
