"""Circuit breaker: closed → open → half-open probe → closed."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

from omnistock.sync import breaker
from omnistock.sync.breaker import BreakerPolicy, BreakerState, BreakerStatus

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
POLICY = BreakerPolicy(threshold=3, cooldown_s=60)


def _fail(state: BreakerState, times: int) -> BreakerState:
    for _ in range(times):
        state = POLICY.on_failure(state, T0)
    return state


def test_doctests_pass() -> None:
    assert doctest.testmod(breaker).failed == 0


def test_stays_closed_below_threshold_and_success_resets() -> None:
    state = _fail(BreakerState(), 2)
    assert state.status is BreakerStatus.CLOSED
    assert POLICY.allow(state, T0)
    state = _fail(POLICY.on_success(state), 2)
    assert state.status is BreakerStatus.CLOSED


def test_opens_after_threshold_and_blocks_until_cooldown() -> None:
    state = _fail(BreakerState(), 3)
    assert state.status is BreakerStatus.OPEN
    before = POLICY.probe(state, T0 + timedelta(seconds=59))
    assert not POLICY.allow(before, T0 + timedelta(seconds=59))


def test_half_open_probe_failure_reopens_with_fresh_cooldown() -> None:
    state = POLICY.probe(_fail(BreakerState(), 3), T0 + timedelta(seconds=60))
    assert state.status is BreakerStatus.HALF_OPEN
    later = T0 + timedelta(seconds=61)
    reopened = POLICY.on_failure(state, later)
    assert reopened.status is BreakerStatus.OPEN
    assert reopened.opened_at == later
    assert POLICY.probe(reopened, later + timedelta(seconds=30)).status is BreakerStatus.OPEN


def test_half_open_probe_success_closes() -> None:
    state = POLICY.probe(_fail(BreakerState(), 3), T0 + timedelta(seconds=60))
    assert POLICY.on_success(state) == BreakerState()
