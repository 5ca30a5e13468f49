"""Order polling in the worker: one ``import_channel`` per order-taking account when it is due.

:class:`OrderPolling` is a worker ``tick`` hook. Each account has its own interval (Amazon's
``searchOrders`` allows ~1 request / 3 min after a burst, so it is polled far less often than
Allegro's journal); a rate-limited account waits ``max(interval, Retry-After)``, any other
channel error waits one interval. A failure never breaks the tick: the cursor has not moved,
so the next import picks up where this one stopped. Imported orders reserve stock and mark the
other channels' listings dirty, so the next dispatcher pass pushes the decrease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from omnistock.channels.base import ChannelError, RateLimited
from omnistock.service.order_ports import OrderFeed, OrderUow
from omnistock.service.order_privacy import ContactPolicy, PersonalSealer
from omnistock.service.orders import ImportSummary, import_channel
from omnistock.service.ports import Clock

__all__ = ["OrderPolling", "PolledFeed"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolledFeed:
    """An account's order feed and the seconds between its imports."""

    feed: OrderFeed
    every_s: float


class OrderPolling:
    """Imports each feed when due; ``__call__(now)`` is the worker's tick hook."""

    def __init__(
        self,
        feeds: Mapping[str, PolledFeed],
        *,
        uow_factory: Callable[[], OrderUow],
        sealer: PersonalSealer,
        contacts: ContactPolicy,
        clock: Clock,
    ) -> None:
        self.feeds = dict(feeds)
        self._uow = uow_factory
        self._sealer = sealer
        self._contacts = contacts
        self._clock = clock
        self.next_at: dict[str, datetime] = {}
        self.last: dict[str, ImportSummary | str] = {}

    def __call__(self, now: datetime) -> None:
        for name, polled in sorted(self.feeds.items()):
            due = self.next_at.get(name)
            if due is None or due <= now:
                self.next_at[name] = now + self._poll(name, polled)

    def _poll(self, name: str, polled: PolledFeed) -> timedelta:
        every = timedelta(seconds=polled.every_s)
        try:
            self.last[name] = import_channel(
                self._uow,
                polled.feed,
                sealer=self._sealer,
                contacts=self._contacts,
                clock=self._clock,
            )
        except RateLimited as exc:
            self.last[name] = type(exc).__name__
            log.warning("order import rate-limited", extra={"channel": name})
            return max(every, timedelta(seconds=exc.retry_after or 0.0))
        except ChannelError as exc:
            self.last[name] = type(exc).__name__
            log.warning("order import failed: %s", type(exc).__name__, extra={"channel": name})
        return every
