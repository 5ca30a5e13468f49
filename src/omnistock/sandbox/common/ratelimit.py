"""Rate limits on sandbox time: a sliding window and a leaky bucket, both keyed by a string.

Keys are whatever the API limits by (client id, seller id, operation). Costs let one call
spend several units (Allegro counts changed offers, not requests).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from omnistock.sandbox.common.clock import SandboxClock

__all__ = ["LeakyBucket", "RateDecision", "SlidingWindow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RateDecision:
    """Whether a call may go ahead; if not, sandbox seconds until it would."""

    allowed: bool
    retry_after_seconds: float = 0.0


class SlidingWindow:
    """At most ``limit`` units per ``window_seconds`` per key (sandbox time)."""

    def __init__(self, limit: int, window_seconds: float, clock: SandboxClock) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit must be >= 1 and window_seconds > 0")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[tuple[float, int]]] = {}
        self._used: dict[str, int] = {}

    def hit(self, key: str, cost: int = 1) -> RateDecision:
        """Spend ``cost`` units for ``key`` if the window has room; else deny, spending nothing."""
        now = self._clock.elapsed_seconds()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            used = self._expire(key, hits, now)
            if used + cost <= self.limit:
                hits.append((now, cost))
                self._used[key] = used + cost
                return RateDecision(allowed=True)
            wait = self._wait(hits, used, cost, now)
            return RateDecision(allowed=False, retry_after_seconds=wait)

    def used(self, key: str) -> int:
        """Units spent by ``key`` in the current window."""
        now = self._clock.elapsed_seconds()
        with self._lock:
            return self._expire(key, self._hits.setdefault(key, deque()), now)

    def reset(self) -> None:
        """Forget every key."""
        with self._lock:
            self._hits.clear()
            self._used.clear()

    def _expire(self, key: str, hits: deque[tuple[float, int]], now: float) -> int:
        used = self._used.get(key, 0)
        while hits and hits[0][0] <= now - self.window_seconds:
            used -= hits.popleft()[1]
        self._used[key] = used
        return used

    def _wait(self, hits: deque[tuple[float, int]], used: int, cost: int, now: float) -> float:
        if cost > self.limit:
            return self.window_seconds
        freed = 0
        for at, spent in hits:
            freed += spent
            if used - freed + cost <= self.limit:
                return max(0.0, at + self.window_seconds - now)
        return self.window_seconds


class LeakyBucket:
    """A bucket per key draining ``rate_per_minute`` units a minute; full at ``capacity``."""

    def __init__(
        self, rate_per_minute: float, clock: SandboxClock, capacity: float | None = None
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.rate_per_second = rate_per_minute / 60
        self.capacity = capacity if capacity is not None else rate_per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._levels: dict[str, tuple[float, float]] = {}

    def hit(self, key: str, cost: float = 1) -> RateDecision:
        """Pour ``cost`` into ``key``'s bucket if it fits; deny (pouring nothing) if not."""
        now = self._clock.elapsed_seconds()
        with self._lock:
            level = self._level(key, now)
            if level + cost <= self.capacity:
                self._levels[key] = (level + cost, now)
                return RateDecision(allowed=True)
            self._levels[key] = (level, now)
            overflow = level + cost - self.capacity
            return RateDecision(allowed=False, retry_after_seconds=overflow / self.rate_per_second)

    def level(self, key: str) -> float:
        """Current content of ``key``'s bucket."""
        with self._lock:
            return self._level(key, self._clock.elapsed_seconds())

    def reset(self) -> None:
        """Empty every bucket."""
        with self._lock:
            self._levels.clear()

    def _level(self, key: str, now: float) -> float:
        level, at = self._levels.get(key, (0.0, now))
        return max(0.0, level - (now - at) * self.rate_per_second)
