"""State of the Amazon sandbox: listings, feeds, orders, tokens, and work due later.

Asynchronous work (accepted listing patches, feed processing) is scheduled for a moment of
sandbox time and run, in time order, by :meth:`AmazonSandbox.settle` before any state is read.
"""

from __future__ import annotations

import heapq
import itertools
import secrets
from collections.abc import Callable
from datetime import datetime

from omnistock.sandbox.amazon.account import REFRESH_TOKEN
from omnistock.sandbox.amazon.feed_list import FeedPager
from omnistock.sandbox.amazon.feeds import FeedBook
from omnistock.sandbox.amazon.listings import ListingBook
from omnistock.sandbox.amazon.lwa import LwaTokens
from omnistock.sandbox.amazon.order_search import OrderSearch
from omnistock.sandbox.amazon.orders import OrderBook
from omnistock.sandbox.amazon.usage import Throttle
from omnistock.sandbox.common.base import SandboxBase, SandboxOptions

__all__ = ["DEMO_LISTINGS", "AmazonSandbox", "Job"]

Job = Callable[[datetime], None]

DEMO_LISTINGS: tuple[tuple[str, int, str], ...] = (
    ("DEMO-KUBEK-330", 25, "Kubek ceramiczny 330 ml, biały"),
    ("DEMO-KOSZULKA-M", 12, "Koszulka bawełniana, rozmiar M"),
    ("DEMO-BIDON-750", 40, "Bidon stalowy 750 ml"),
    ("DEMO-LAMPKA-LED", 0, "Lampka biurkowa LED"),
)


class AmazonSandbox(SandboxBase):
    """One selling partner on the EU SP-API endpoint."""

    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        self.lwa = LwaTokens(options.client_id, options.client_secret, {REFRESH_TOKEN})
        self.throttle = Throttle(self.clock)
        self.url_secret = secrets.token_hex(16)
        self.reset_state()

    def reset_state(self) -> None:
        """Fresh listings (demo ones unless ``empty``), no feeds, no orders, no tokens."""
        self.listings = ListingBook()
        self.feeds = FeedBook()
        self.orders = OrderBook(self.options.seed)
        self.search = OrderSearch()
        self.feed_pages = FeedPager()
        self.lwa.reset()
        self.throttle.reset()
        self._jobs: list[tuple[datetime, int, Job]] = []
        self._sequence = itertools.count()
        if not self.options.empty:
            now = self.clock.now()
            for sku, quantity, title in DEMO_LISTINGS:
                self.listings.put(sku=sku, quantity=quantity, title=title, now=now)

    def schedule(self, at: datetime, job: Job) -> None:
        """Run ``job(at)`` once sandbox time reaches ``at``."""
        heapq.heappush(self._jobs, (at, next(self._sequence), job))

    def settle(self) -> datetime:
        """Run every job that is due, oldest first; return the current sandbox time."""
        now = self.clock.now()
        while self._jobs and self._jobs[0][0] <= now:
            at, _, job = heapq.heappop(self._jobs)
            job(at)
        return now

    def async_delay(self) -> float:
        """Sandbox seconds asynchronous work stays pending (fault ``async_delay_seconds``)."""
        return self.injector.async_delay_seconds()
