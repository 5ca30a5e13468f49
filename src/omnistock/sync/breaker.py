"""Circuit breaker per channel account, as a value with pure transitions.

``closed`` → ``open`` after ``threshold`` consecutive failures; while open nothing is sent
(dirty listings simply stay dirty). After ``cooldown_s`` the next ``allow`` turns it
``half_open`` and lets one probe batch through: success closes it, failure opens it again.

>>> from datetime import UTC, datetime, timedelta
>>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
>>> policy = BreakerPolicy(threshold=2, cooldown_s=30)
>>> state = policy.on_failure(policy.on_failure(BreakerState(), t0), t0)
>>> state.status, policy.allow(state, t0 + timedelta(seconds=29))
(<BreakerStatus.OPEN: 'open'>, False)
>>> probing = policy.probe(state, t0 + timedelta(seconds=30))
>>> probing.status, policy.allow(probing, t0 + timedelta(seconds=30))
(<BreakerStatus.HALF_OPEN: 'half_open'>, True)
>>> policy.on_success(probing).status
<BreakerStatus.CLOSED: 'closed'>
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["BreakerPolicy", "BreakerState", "BreakerStatus"]


class BreakerStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerState:
    status: BreakerStatus = BreakerStatus.CLOSED
    failures: int = 0
    opened_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerPolicy:
    threshold: int = 5
    cooldown_s: float = 30.0

    def probe(self, state: BreakerState, now: datetime) -> BreakerState:
        """An open breaker whose cool-down has passed becomes half-open; others are unchanged."""
        if state.status is BreakerStatus.OPEN and self._cooled(state, now):
            return replace(state, status=BreakerStatus.HALF_OPEN)
        return state

    def allow(self, state: BreakerState, now: datetime) -> bool:
        """May a batch be sent now? (Call ``probe`` first to move open → half-open.)"""
        return state.status is not BreakerStatus.OPEN

    def on_success(self, state: BreakerState) -> BreakerState:
        return BreakerState()

    def on_failure(self, state: BreakerState, now: datetime) -> BreakerState:
        failures = state.failures + 1
        if state.status is BreakerStatus.HALF_OPEN or failures >= self.threshold:
            return BreakerState(status=BreakerStatus.OPEN, failures=failures, opened_at=now)
        return replace(state, failures=failures)

    def _cooled(self, state: BreakerState, now: datetime) -> bool:
        opened = state.opened_at or now
        return now >= opened + timedelta(seconds=self.cooldown_s)
