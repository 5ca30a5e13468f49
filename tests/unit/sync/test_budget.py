"""Budget: token bucket sized from documented limits, shrunk on 429."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import pytest

from omnistock.channels.base import ChannelLimits
from omnistock.sync import budget
from omnistock.sync.budget import (
    BudgetExhausted,
    BudgetSpec,
    available,
    full_budget,
    rate_limited,
    recovered,
    spec_from_limits,
    spend,
    wait_seconds,
)

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
SPEC = BudgetSpec(requests=20, changes=1000, window_s=60.0)


def test_doctests_pass() -> None:
    assert doctest.testmod(budget).failed == 0


def test_is_sized_from_channel_limits() -> None:
    spec = spec_from_limits(
        ChannelLimits(requests_per_window=9000, changes_per_window=9000, window_s=60)
    )
    assert (spec.requests, spec.changes, spec.window_s) == (9000, 9000, 60)


def _spend_greedily(spec: BudgetSpec, seconds: int, batch: int) -> list[tuple[datetime, int]]:
    state = full_budget(spec, T0)
    sent: list[tuple[datetime, int]] = []
    for tenth in range(seconds * 10):
        now = T0 + timedelta(seconds=tenth / 10)
        while True:
            try:
                state = spend(spec, state, changes=batch, now=now)
            except BudgetExhausted:
                break
            sent.append((now, batch))
    return sent


@pytest.mark.parametrize("batch", [1, 50, 500])
def test_never_spends_more_than_the_limit_in_any_window(batch: int) -> None:
    sent = _spend_greedily(SPEC, seconds=300, batch=batch)
    window = timedelta(seconds=SPEC.window_s)
    for start, _ in sent:
        in_window = sum(n for at, n in sent if start <= at < start + window)
        assert in_window <= SPEC.changes
    binding = min(SPEC.changes, SPEC.requests * batch)  # whichever limit binds
    assert sum(n for _, n in sent) >= 0.45 * binding * 5  # still uses the budget


def test_never_sends_more_requests_than_the_request_limit() -> None:
    sent = _spend_greedily(SPEC, seconds=60, batch=1)
    assert len(sent) <= SPEC.requests


def test_rate_limit_without_retry_after_empties_and_halves() -> None:
    state = rate_limited(SPEC, full_budget(SPEC, T0), now=T0, retry_after=None)
    assert state.scale == 0.5
    assert state.blocked_until is None
    wait = wait_seconds(SPEC, state, changes=100, now=T0)
    # refill at half speed: 1000 * 0.5 * 0.5 / 60 changes per second
    assert wait == pytest.approx(100 / (1000 * 0.5 * 0.5 / 60))


def test_rate_limit_with_retry_after_blocks_until_then() -> None:
    state = rate_limited(SPEC, full_budget(SPEC, T0), now=T0, retry_after=120)
    assert wait_seconds(SPEC, state, changes=1, now=T0) == pytest.approx(120)
    with pytest.raises(BudgetExhausted):
        spend(SPEC, state, changes=1, now=T0 + timedelta(seconds=119))
    spend(SPEC, state, changes=1, now=T0 + timedelta(seconds=120))


def test_repeated_429_shrinks_to_a_floor_and_success_recovers() -> None:
    state = full_budget(SPEC, T0)
    for _ in range(10):
        state = rate_limited(SPEC, state, now=T0, retry_after=None)
    assert state.scale == SPEC.min_scale
    for _ in range(20):
        state = recovered(SPEC, state)
    assert state.scale == 1.0


def test_refill_never_goes_back_in_time_or_above_capacity() -> None:
    state = full_budget(SPEC, T0)
    later = available(SPEC, state, T0 + timedelta(hours=5))
    assert later.changes == SPEC.capacity(SPEC.changes, 1.0)
    earlier = available(SPEC, later, T0)
    assert earlier.updated_at == later.updated_at


def test_batch_bigger_than_shrunk_capacity_waits_for_a_full_bucket() -> None:
    state = rate_limited(SPEC, full_budget(SPEC, T0), now=T0, retry_after=None)
    capacity = SPEC.capacity(SPEC.changes, state.scale)
    wait = wait_seconds(SPEC, state, changes=int(capacity) + 100, now=T0)
    assert wait == pytest.approx(capacity / SPEC.refill_per_s(SPEC.changes, state.scale))
    after = spend(SPEC, state, changes=int(capacity) + 100, now=T0 + timedelta(seconds=wait))
    assert after.changes == 0
