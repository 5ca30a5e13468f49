"""In-memory fake channels in virtual time for ``sync_bench --fake``.

``omnistock.channels.fake.InMemoryChannel`` configured with each channel's batch size and
documented limits; the clock is a ``FixedClock`` that only ``advance`` moves. Same interface as
``sync_sandboxes.Fleet`` (``adapters``, ``seed``, ``quantities``, ``advance``, ``close``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from omnistock.channels.base import Capabilities, ChannelAdapter, ChannelLimits
from omnistock.channels.fake import InMemoryChannel
from omnistock.service.clock import FixedClock

CAPABILITIES = {
    # quantity command: 1000 offers, 9000 changes/min; zero ends the offer
    "allegro": Capabilities(
        max_batch=1000,
        zero_means_end=True,
        limits=ChannelLimits(requests_per_window=9000, changes_per_window=9000, window_s=60),
        async_results=False,
    ),
    # products/batch: 100 objects; no core limit, a polite 300 requests/min
    "shop": Capabilities(
        max_batch=100,
        zero_means_end=False,
        limits=ChannelLimits(requests_per_window=300, changes_per_window=30000, window_s=60),
        async_results=False,
    ),
    # JSON_LISTINGS_FEED: 25 000 messages, 5 feeds per 5 minutes, async report
    "amazon": Capabilities(
        max_batch=25000,
        zero_means_end=False,
        limits=ChannelLimits(requests_per_window=5, changes_per_window=125000, window_s=300),
        async_results=True,
    ),
    # items_batch: 5000 items per call, "up to 100 calls per hour", async handles
    "meta": Capabilities(
        max_batch=5000,
        zero_means_end=False,
        limits=ChannelLimits(requests_per_window=100, changes_per_window=500000, window_s=3600),
        async_results=True,
    ),
}


class FakeFleet:
    """Fake channels named ``names`` on ``clock`` (virtual time)."""

    def __init__(self, names: Sequence[str], clock: FixedClock) -> None:
        self.clock = clock
        self.fakes = {
            n: InMemoryChannel(name=n, capabilities=CAPABILITIES[n], clock=clock.now) for n in names
        }
        self.offers: dict[str, list[str]] = {n: [] for n in names}

    @property
    def adapters(self) -> dict[str, ChannelAdapter]:
        return dict(self.fakes)

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.clock.advance(timedelta(seconds=seconds))

    def seed(self, name: str, offers: Mapping[str, int]) -> dict[str, str]:
        ids = {key: f"{name}-{key}" for key in offers}
        for key, quantity in offers.items():
            self.fakes[name].set_quantity(ids[key], quantity)
        self.offers[name].extend(ids.values())
        return ids

    def quantities(self, name: str) -> dict[str, int]:
        return dict(self.fakes[name].read_quantities(self.offers[name]))

    def http_counts(self, name: str) -> dict[str, int]:
        return {}

    def close(self) -> None:
        """Nothing to release."""
