"""Listings: one SKU offered on one channel account under an external offer id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku

__all__ = ["Listing"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """What omnistock wants a channel to show and what it last showed.

    ``observed_at`` is when the stock state that gave ``desired`` was observed; an older
    observation must never be sent after a newer one.
    """

    channel: ChannelId
    sku: Sku
    offer_id: str
    desired: int | None = None
    last_pushed: int | None = None
    observed_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.offer_id.strip():
            raise InvalidValue("offer id must not be empty", field="offer_id")
        if self.desired is not None and self.desired < 0:
            raise InvalidValue("desired quantity must not be negative", field="desired")

    @property
    def dirty(self) -> bool:
        """True when the channel must be told a new number."""
        return self.desired is not None and self.desired != self.last_pushed
