"""``FeedQuota``: the ``JSON_LISTINGS_FEED`` limit (5 submissions per 300 s) kept client-side.

Amazon counts accepted ``createFeed`` calls in a sliding window per seller. The adapter asks
``wait_s`` *before* spending ``createFeedDocument`` and the upload, records each accepted feed,
and after a 429 on ``createFeed`` (someone else used the quota) treats the window as full.

>>> from datetime import UTC, datetime, timedelta
>>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
>>> quota = FeedQuota(feeds=2, window_s=300.0)
>>> quota.record(t0); quota.record(t0 + timedelta(seconds=10))
>>> quota.wait_s(t0 + timedelta(seconds=100))
200.0
>>> quota.wait_s(t0 + timedelta(seconds=300))
0.0
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

__all__ = ["FEEDS_PER_WINDOW", "FEED_WINDOW_S", "FeedQuota"]

FEEDS_PER_WINDOW = 5
FEED_WINDOW_S = 300.0


class FeedQuota:
    """A sliding window of accepted feed submissions on the adapter's clock."""

    def __init__(self, *, feeds: int = FEEDS_PER_WINDOW, window_s: float = FEED_WINDOW_S) -> None:
        self._feeds = feeds
        self._window = timedelta(seconds=window_s)
        self._stamps: deque[datetime] = deque()
        self._lock = threading.Lock()

    def wait_s(self, now: datetime) -> float:
        """Seconds until a submission fits in the window (0.0 when one fits now)."""
        with self._lock:
            while self._stamps and self._stamps[0] + self._window <= now:
                self._stamps.popleft()
            if len(self._stamps) < self._feeds:
                return 0.0
            return (self._stamps[0] + self._window - now).total_seconds()

    def record(self, now: datetime) -> None:
        """One feed was accepted at ``now``."""
        with self._lock:
            self._stamps.append(now)

    def exhausted(self, now: datetime) -> None:
        """Amazon answered 429: assume the window is full from ``now`` on."""
        with self._lock:
            self._stamps = deque([now] * self._feeds)
