"""Push planner (pure): from listings' desired vs last pushed quantities, build push batches.

Rules, in order:

1. **coalesce** — of several entries for one offer only the newest observation counts;
2. **never an older observation after a newer one** — an entry observed before what was last
   pushed for that offer is dropped;
3. **never resend the unchanged** — ``desired == last_pushed`` is dropped;
4. **decreases first** — decreases (and offers with nothing pushed yet) before increases,
   biggest drop first; on a ``zero_means_end`` channel the zeros (offer endings) go first of
   all — in the same batches as the other changes: the adapter turns them into its ending
   command inside the same push (Allegro: a publication ``END`` next to the quantity
   commands), so endings cost no extra push;
5. **chunk** to ``max_batch``.

>>> from datetime import UTC, datetime
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> rows = [ListingChange(offer_id="a", sku="A", desired=5, last_pushed=3, observed_at=t),
...         ListingChange(offer_id="b", sku="B", desired=1, last_pushed=4, observed_at=t),
...         ListingChange(offer_id="c", sku="C", desired=2, last_pushed=2, observed_at=t)]
>>> [[i.offer_id for i in b] for b in plan(rows, max_batch=10, zero_means_end=False)]
[['b', 'a']]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from omnistock.channels.base import PushItem
from omnistock.domain.ids import Sku

__all__ = ["ListingChange", "coalesce", "plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingChange:
    """A listing as the planner sees it."""

    offer_id: str
    sku: str
    desired: int
    last_pushed: int | None
    observed_at: datetime
    pushed_observed_at: datetime | None = None
    reason: str = ""
    approved: bool = False  # a person released a hold: the guard is not asked again

    @property
    def is_decrease(self) -> bool:
        return self.last_pushed is None or self.desired < self.last_pushed

    @property
    def drop(self) -> int:
        return (self.last_pushed or 0) - self.desired


def coalesce(changes: Iterable[ListingChange]) -> list[ListingChange]:
    """Keep one entry per offer: the newest observation (the later entry on a tie)."""
    latest: dict[str, ListingChange] = {}
    for change in changes:
        kept = latest.get(change.offer_id)
        if kept is None or change.observed_at >= kept.observed_at:
            latest[change.offer_id] = change
    return list(latest.values())


def _wanted(change: ListingChange) -> bool:
    if change.desired == change.last_pushed:
        return False
    stale = change.pushed_observed_at is not None and change.observed_at < change.pushed_observed_at
    return not stale


def _order_key(change: ListingChange) -> tuple[int, int, str]:
    return (0 if change.is_decrease else 1, -change.drop, change.offer_id)


def _ending_first_key(change: ListingChange) -> tuple[int, int, int, str]:
    return (0 if change.desired == 0 else 1, *_order_key(change))


def _item(change: ListingChange) -> PushItem:
    return PushItem(
        offer_id=change.offer_id,
        sku=Sku(change.sku),
        quantity=change.desired,
        previous=change.last_pushed,
        observed_at=change.observed_at,
        reason=change.reason,
    )


def _chunks(items: list[PushItem], size: int) -> list[tuple[PushItem, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def plan(
    changes: Iterable[ListingChange], *, max_batch: int, zero_means_end: bool
) -> list[tuple[PushItem, ...]]:
    """Batches to send, in sending order (see the module docstring for the rules)."""
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    key = _ending_first_key if zero_means_end else _order_key
    wanted = sorted((c for c in coalesce(changes) if _wanted(c)), key=key)
    return _chunks([_item(c) for c in wanted], max_batch)
