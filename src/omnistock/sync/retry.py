"""Retry policy: a pure decision — retry at a time, or give up — never a sleep.

For the ``n``-th failed attempt (1-based) the delay is
``min(max_delay_s, base_s · factor^(n−1)) · (1 + jitter · u)`` with ``u`` uniform in [−1, 1)
drawn from the injected ``random.Random``. A ``Retry-After`` from the channel wins over the
computed delay. Permanent errors, and any error after ``max_attempts`` attempts, give up
(``None``): the item becomes ``dead`` and raises an incident.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from omnistock.channels.base import ChannelError, ChannelRetryable

__all__ = ["RetryDecision", "RetryPolicy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryDecision:
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    max_attempts: int = 8
    base_s: float = 2.0
    factor: float = 2.0
    max_delay_s: float = 600.0
    jitter: float = 0.2

    def delay_s(self, attempts: int, rng: random.Random) -> float:
        """Backoff after ``attempts`` failed attempts, with jitter."""
        raw = min(self.max_delay_s, self.base_s * self.factor ** max(0, attempts - 1))
        return raw * (1 + self.jitter * (rng.random() * 2 - 1))

    def decide(
        self, error: ChannelError, attempts: int, now: datetime, rng: random.Random
    ) -> RetryDecision | None:
        """Retry time after ``attempts`` failed attempts with ``error``, or ``None`` to give up."""
        if not isinstance(error, ChannelRetryable) or attempts >= self.max_attempts:
            return None
        if error.retry_after is not None:
            return RetryDecision(at=now + timedelta(seconds=error.retry_after))
        return RetryDecision(at=now + timedelta(seconds=self.delay_s(attempts, rng)))
