"""What the guard looks at: proposed quantity changes and the channel's current listings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from omnistock.domain.ids import ChannelId, Sku

__all__ = ["ActiveListing", "ExplainedUnits", "ProposedChange"]

ExplainedUnits = Mapping[Sku, int]
"""Units per SKU that imported orders (or other recorded reasons) removed within the window."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposedChange:
    """One listing's new quantity as the planner wants it sent.

    ``previous`` is what the channel was last told (``None``: never pushed). ``quantity`` is
    typed ``int`` but checked at run time: a change built from bad data must not slip through.
    """

    channel: ChannelId
    offer_id: str
    sku: Sku
    previous: int | None
    quantity: int
    observed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ActiveListing:
    """A listing of the channel account: what it shows now and its baseline for the window.

    ``quantity`` is the last quantity the channel confirmed (accepted push or reconciled read).
    ``peak`` is the highest quantity the channel confirmed within the window (``None``: the
    same as ``quantity``). Drops are measured from ``peak``, and drops already sent within the
    window count towards the mass rule, so a set of small decreases spread over one window is
    judged as one. Listings with a baseline above 0 are *active*.
    """

    offer_id: str
    sku: Sku
    quantity: int
    peak: int | None = None

    @property
    def baseline(self) -> int:
        """The quantity a drop is measured from: the window's peak, never below ``quantity``."""
        return self.quantity if self.peak is None else max(self.peak, self.quantity)
