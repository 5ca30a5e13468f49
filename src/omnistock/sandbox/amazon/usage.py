"""Usage plans (token buckets per operation) as the bundled SP-API models document them.

Each bucket holds ``burst`` tokens and refills ``rate`` tokens per second of sandbox time;
``JSON_LISTINGS_FEED`` submissions are also limited to 5 per 5 minutes (changelog 2025-05-06)
and ``VALIDATION_PREVIEW`` patches to 1 per second (listings-items-api-rate-limits).
A throttled call gets 429 ``QuotaExceeded`` with no ``Retry-After``.
"""

from __future__ import annotations

from dataclasses import dataclass

from omnistock.sandbox.amazon.errors import SpApiError
from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.ratelimit import LeakyBucket, SlidingWindow

__all__ = ["PLANS", "Throttle", "UsagePlan"]


@dataclass(frozen=True, slots=True)
class UsagePlan:
    """Rate (requests per second) and burst of one operation."""

    rate: float
    burst: int

    @property
    def header(self) -> str:
        """``x-amzn-RateLimit-Limit`` value."""
        return str(float(self.rate))


PLANS: dict[str, UsagePlan] = {
    "getListingsItem": UsagePlan(5, 10),
    "patchListingsItem": UsagePlan(5, 5),
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeed": UsagePlan(2, 15),
    "getFeeds": UsagePlan(0.0222, 10),
    "cancelFeed": UsagePlan(2, 15),
    "getFeedDocument": UsagePlan(0.0222, 10),
    "searchOrders": UsagePlan(0.0056, 20),
    "getOrder": UsagePlan(0.5, 30),
}

JSON_LISTINGS_FEEDS_PER_WINDOW = 5
JSON_LISTINGS_FEED_WINDOW_SECONDS = 300.0


def _quota_exceeded() -> SpApiError:
    return SpApiError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")


class Throttle:
    """The seller–application pair's buckets."""

    def __init__(self, clock: SandboxClock) -> None:
        self._buckets = {
            name: LeakyBucket(plan.rate * 60, clock, capacity=plan.burst)
            for name, plan in PLANS.items()
        }
        self._preview = LeakyBucket(60, clock, capacity=1)
        self._listings_feeds = SlidingWindow(
            JSON_LISTINGS_FEEDS_PER_WINDOW, JSON_LISTINGS_FEED_WINDOW_SECONDS, clock
        )

    def spend(self, operation: str, key: str) -> UsagePlan:
        """Take one token for ``operation`` or raise 429 ``QuotaExceeded``."""
        if not self._buckets[operation].hit(key).allowed:
            raise _quota_exceeded()
        return PLANS[operation]

    def spend_preview(self, key: str) -> None:
        """``mode=VALIDATION_PREVIEW`` patches: also 1 per second, burst 1, or 429."""
        if not self._preview.hit(key).allowed:
            raise _quota_exceeded()

    def spend_listings_feed(self, key: str) -> None:
        """Count one ``JSON_LISTINGS_FEED`` submission or raise 429 ``QuotaExceeded``."""
        if not self._listings_feeds.hit(key).allowed:
            raise _quota_exceeded()

    def reset(self) -> None:
        """Full buckets, empty windows."""
        for bucket in self._buckets.values():
            bucket.reset()
        self._listings_feeds.reset()
        self._preview.reset()
