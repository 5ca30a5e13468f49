"""Order polling in the worker: one ``import_channel`` per order-taking account when it is due.

:class:`OrderPolling` is a worker ``tick`` hook. Each account has its own interval (Amazon's
``searchOrders`` allows ~1 request / 3 min after a burst, so it is polled far less often than
Allegro's journal); a rate-limited account waits ``max(interval, Retry-After)``, any other
channel error waits one interval. A failure never breaks the tick: the cursor has not moved,
so the next import picks up where this one stopped. Imported orders reserve stock and mark the
other channels' listings dirty, so the next dispatcher pass pushes the decrease.

An account with a :class:`~omnistock.service.orders_signals.SaleWatch` (Amazon) is also polled
**at once**, before its interval, when one of its listings near the last units shows fewer
units than expected — a sale its slow order feed has not reported yet (one poll per drop; none
while the account is backing off a 429). A feed with a :class:`PollQuota` (Amazon's documented
``searchOrders`` plan) is never asked more often than the plan allows, counted here: regular
polls wait while only the calls kept for early polls are left. Both come from the feed
(``sale_watch``, ``poll_quota``) unless the ``PolledFeed`` gives them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from omnistock.channels.base import ChannelError, RateLimited
from omnistock.domain.ids import ChannelId
from omnistock.service.order_ports import OrderFeed, OrderUow
from omnistock.service.order_privacy import ContactPolicy, PersonalSealer
from omnistock.service.orders import ImportSummary, import_channel
from omnistock.service.orders_signals import SaleWatch, drops, watched
from omnistock.service.ports import Clock

__all__ = ["OrderPolling", "PollQuota", "PolledFeed"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PollQuota:
    """A feed's documented request plan (a token bucket) and the calls kept for early polls.

    Regular polls leave ``reserve`` calls in the bucket; a poll triggered by an unseen sale may
    use them. Amazon ``searchOrders``: 0.0056 calls/s, burst 20 (orders_2026-01-01.json).
    """

    rate_per_s: float
    burst: int
    reserve: int = 0

    def take(self, tokens: float, *, early: bool) -> tuple[float, float | None]:
        """(tokens left, None) when a call may go now, else (tokens, seconds to wait).

        >>> PollQuota(rate_per_s=0.5, burst=3, reserve=1).take(1.5, early=False)
        (1.5, 1.0)
        >>> PollQuota(rate_per_s=0.5, burst=3, reserve=1).take(1.5, early=True)
        (0.5, None)
        """
        floor = 1.0 if early else 1.0 + self.reserve
        if tokens >= floor:
            return tokens - 1.0, None
        return tokens, (floor - tokens) / self.rate_per_s


@dataclass(frozen=True, slots=True, kw_only=True)
class PolledFeed:
    """An account's order feed, the seconds between its imports, its request plan and how to
    look for sales it has not reported yet."""

    feed: OrderFeed
    every_s: float
    watch: SaleWatch | None = None
    quota: PollQuota | None = None


def _read(name: str, watch: SaleWatch, offers: list[str]) -> dict[str, int]:
    """Each offer's quantity, read one by one (a failed read, retried once, only skips its
    offer this time: a 5xx on one listing must not hide a sale on another)."""
    shown: dict[str, int] = {}
    for offer in offers * 2:
        if offer in shown:
            continue
        try:
            shown.update(watch.probe([offer]))
        except ChannelError as exc:
            log.warning("sale watch read failed: %s", type(exc).__name__, extra={"channel": name})
    return shown


def _with_feed_defaults(polled: PolledFeed) -> PolledFeed:
    """The feed's own request plan (``poll_quota``) and sale watch (``sale_watch``) unless the
    ``PolledFeed`` gives them (Amazon's feed carries both)."""
    watch = polled.watch or getattr(polled.feed, "sale_watch", None)
    quota = polled.quota or getattr(polled.feed, "poll_quota", None)
    return replace(
        polled,
        watch=watch if isinstance(watch, SaleWatch) else None,
        quota=quota if isinstance(quota, PollQuota) else None,
    )


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
        self.feeds = {name: _with_feed_defaults(polled) for name, polled in feeds.items()}
        self._uow = uow_factory
        self._sealer = sealer
        self._contacts = contacts
        self._clock = clock
        self.next_at: dict[str, datetime] = {}
        self.last: dict[str, ImportSummary | str] = {}
        self.quiet_until: dict[str, datetime] = {}
        self.seen_drops: dict[str, frozenset[tuple[str, int]]] = {}
        self.early_polls: dict[str, int] = {}
        self._watch_at: dict[str, datetime] = {}
        self._tokens: dict[str, tuple[float, datetime]] = {}

    def __call__(self, now: datetime) -> None:
        for name, polled in sorted(self.feeds.items()):
            due = self.next_at.get(name)
            if due is None or due <= now:
                self._run(name, polled, now, early=False)
            elif (found := self._new_drops(name, polled, now)) is not None:
                if self._run(name, polled, now, early=True):
                    self.seen_drops[name] = found
                    self.early_polls[name] = self.early_polls.get(name, 0) + 1

    def _run(self, name: str, polled: PolledFeed, now: datetime, *, early: bool) -> bool:
        """Poll now if the feed's plan allows (True); else a regular poll waits for a call."""
        wait = self._spend(name, polled.quota, now, early=early)
        if wait is not None:
            if not early:
                self.next_at[name] = now + timedelta(seconds=wait)
            return False
        self.next_at[name] = now + self._poll(name, polled, now)
        return True

    def _spend(
        self, name: str, quota: PollQuota | None, now: datetime, *, early: bool
    ) -> float | None:
        if quota is None:
            return None
        tokens, at = self._tokens.get(name, (float(quota.burst), now))
        tokens = min(float(quota.burst), tokens + (now - at).total_seconds() * quota.rate_per_s)
        tokens, wait = quota.take(tokens, early=early)
        self._tokens[name] = (tokens, now)
        return wait

    def _new_drops(
        self, name: str, polled: PolledFeed, now: datetime
    ) -> frozenset[tuple[str, int]] | None:
        """The watched drops when one is new (never while backing off a 429), else None."""
        watch = polled.watch
        if watch is None or self._watch_at.get(name, now) > now:
            return None
        if self.quiet_until.get(name, now) > now:
            return None
        self._watch_at[name] = now + timedelta(seconds=watch.every_s)
        found = self._drops(name, watch)
        if found <= self.seen_drops.get(name, frozenset()):
            self.seen_drops[name] = found
            return None
        log.info("unseen sale: polling orders now", extra={"channel": name})
        return found

    def _drops(self, name: str, watch: SaleWatch) -> frozenset[tuple[str, int]]:
        with self._uow() as uow:
            listings = uow.listings.list(ChannelId(name))
        expected = watched(listings, watch_at=watch.watch_at, max_offers=watch.max_offers)
        return drops(expected, _read(name, watch, list(expected)))

    def _poll(self, name: str, polled: PolledFeed, now: datetime) -> timedelta:
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
            wait = max(every, timedelta(seconds=exc.retry_after or 0.0))
            self.quiet_until[name] = now + wait
            self._tokens[name] = (0.0, now)  # the channel's bucket is empty, whatever we counted
            return wait
        except ChannelError as exc:
            self.last[name] = type(exc).__name__
            log.warning("order import failed: %s", type(exc).__name__, extra={"channel": name})
        return every
