"""Early signs of orders not imported yet: a listing shows fewer units than omnistock expects.

Amazon takes the ordered units off a merchant-fulfilled listing the moment a buyer orders
(Amazon's ``LISTINGS_ITEM_MFN_QUANTITY_CHANGE``), but its order feed is slow to ask:
``searchOrders`` allows 0.0056 requests/s (one every 3 minutes) after a burst of 20
(``reference/channels.md`` §3.4). Until the order is imported, the units Amazon sold are
still offered on every other channel — the window in which the last unit sells twice.

Reading a listing is cheap (``getListingsItem``: 5/s, burst 10), so the worker reads the few
listings close to their last units (``watch_at``) every ``every_s``: a listing showing fewer
units than omnistock last pushed there means a sale the channel has not reported yet,
and the order feed is polled at once instead of at its next interval. Each drop triggers one
poll (a drop that an import did not explain is not polled for again), so the ``searchOrders``
budget is spent on sales, not on repeated reads.

Pure parts (:func:`watched`, :func:`drops`) take plain values; :class:`SaleWatch` binds the
channel's quantity read (``ChannelAdapter.read_quantities``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from omnistock.domain.listing import Listing

__all__ = ["QuantityProbe", "SaleWatch", "drops", "watched"]

QuantityProbe = Callable[[Sequence[str]], Mapping[str, int]]
"""Offer ids → the quantity the channel shows now (``ChannelAdapter.read_quantities``)."""

WATCH_AT = 5
MAX_OFFERS = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleWatch:
    """How to look for unseen sales on one channel account.

    ``every_s``: seconds between checks (the worker ticks every second; 8 reads every 10 s
    stay far below Amazon's 5 reads/s, next to the dispatcher's own read-backs);
    ``watch_at``: listings expected to show at most this many units are read (more units
    cannot be oversold by one late order); ``max_offers``: at most this many reads per check,
    the listings with the fewest units first (Amazon: within ``getListingsItem``'s burst of 10).
    """

    probe: QuantityProbe
    every_s: float = 10.0
    watch_at: int = WATCH_AT
    max_offers: int = MAX_OFFERS


def watched(listings: Iterable[Listing], *, watch_at: int, max_offers: int) -> dict[str, int]:
    """Offer id → units the channel should show, for the listings worth reading.

    The channel shows what omnistock last pushed (``last_pushed`` is recorded once the channel
    confirmed it) minus its own sales since. ``desired`` is no guide: a sale on another channel
    lowers it by as much as an unseen sale here lowers the channel's count, and the two would
    cancel out. A drop omnistock has already imported (the push of the lower number not
    confirmed yet) is seen at most once more: each drop triggers one poll.

    >>> from omnistock.domain.ids import ChannelId, Sku
    >>> def listing(offer: str, pushed: int | None) -> Listing:
    ...     return Listing(channel=ChannelId("amazon"), sku=Sku(offer), offer_id=offer,
    ...                    desired=1, last_pushed=pushed)
    >>> watched([listing("a", 9), listing("b", 3), listing("c", 1), listing("d", 0),
    ...          listing("e", None)], watch_at=5, max_offers=8)
    {'c': 1, 'b': 3}
    """
    pushed = [
        (listing.last_pushed, listing.offer_id)
        for listing in listings
        if listing.last_pushed is not None and 0 < listing.last_pushed <= watch_at
    ]
    return {offer: units for units, offer in sorted(pushed)[:max_offers]}


def drops(expected: Mapping[str, int], shown: Mapping[str, int]) -> frozenset[tuple[str, int]]:
    """``(offer, shown)`` for every offer showing fewer units than expected.

    >>> sorted(drops({"a": 3, "b": 2, "c": 1}, {"a": 2, "b": 2}))
    [('a', 2)]
    """
    return frozenset(
        (offer, shown[offer])
        for offer, units in expected.items()
        if shown.get(offer, units) < units
    )
