"""Client-side pacing for per-operation rate limits that a channel documents (token bucket).

The sync budget (``omnistock.sync.budget``) limits pushes per channel account across workers;
reads made inside one adapter call (e.g. Amazon's one ``getListingsItem`` per SKU during a
reconcile) must also stay under the operation's own rate, or the channel answers 429.
``wait`` blocks until a token is there (a reconcile must read everything); ``try_take`` never
blocks (result polls: what has no token now is polled in a later pass, so a poll never holds
up the account's next push).
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

    def try_take(self) -> bool:
        """Take one token if one is there now (never blocks); False when none is.

        >>> pacer = Pacer(rate=1, burst=1, monotonic=lambda: 0.0)
        >>> pacer.try_take(), pacer.try_take()
        (True, False)
        """
        with self._lock:
            self._refill()
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

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
