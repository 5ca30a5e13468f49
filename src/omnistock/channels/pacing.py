"""Client-side pacing for per-operation rate limits that a channel documents (token bucket).

The sync budget (``omnistock.sync.budget``) limits pushes per channel account across workers;
reads made inside one adapter call (e.g. Amazon's one ``getListingsItem`` per SKU during a
reconcile) must also stay under the operation's own rate, or the channel answers 429.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Pacer"]


class Pacer:
    """Blocks just long enough that calls never exceed ``rate`` per second after a ``burst``.

    >>> now = [0.0]
    >>> slept: list[float] = []
    >>> def sleep(s: float) -> None:
    ...     slept.append(s)
    ...     now[0] += s
    >>> pacer = Pacer(rate=5, burst=2, monotonic=lambda: now[0], sleep=sleep)
    >>> for _ in range(4):
    ...     pacer.wait()
    >>> [round(s, 2) for s in slept]
    [0.2, 0.2]
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Take one token, sleeping until one is there."""
        with self._lock:
            self._refill()
            if self._tokens < 1:
                self._sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
