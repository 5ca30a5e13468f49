"""Retry policy: a decision value with exponential backoff, jitter and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from omnistock.channels.base import (
    ChannelError,
    MalformedResponse,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from omnistock.sync.retry import RetryPolicy

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=5, base_s=2, factor=2, max_delay_s=60, jitter=0.0)


@pytest.mark.parametrize(
    ("error", "attempts", "delay_s"),
    [
        (TransientChannelError(), 1, 2.0),  # first failure: base delay
        (TransientChannelError(), 3, 8.0),  # doubles per attempt
        (TransientChannelError(), 4, 16.0),
        (MalformedResponse(), 2, 4.0),  # unparseable answers are retried like 5xx
        (RateLimited(retry_after=None), 2, 4.0),  # 429 without Retry-After: backoff
        (RateLimited(retry_after=45), 1, 45.0),  # Retry-After wins over the computed delay
        (RateLimited(retry_after=1), 4, 1.0),  # …also when shorter
        (TransientChannelError(), 5, None),  # last attempt used: give up
        (PermanentChannelError(), 1, None),  # permanent: never retried
    ],
)
def test_decides_retry_time_or_gives_up(
    error: ChannelError, attempts: int, delay_s: float | None
) -> None:
    decision = POLICY.decide(error, attempts, T0, random.Random(1))
    if delay_s is None:
        assert decision is None
    else:
        assert decision is not None
        assert decision.at == T0 + timedelta(seconds=delay_s)


def test_caps_the_delay() -> None:
    policy = RetryPolicy(max_attempts=50, base_s=2, max_delay_s=60, jitter=0.0)
    decision = policy.decide(TransientChannelError(), 20, T0, random.Random(1))
    assert decision is not None
    assert decision.at == T0 + timedelta(seconds=60)


def test_jitter_comes_from_the_injected_random_and_stays_in_bounds() -> None:
    policy = RetryPolicy(base_s=10, jitter=0.2)
    delays = {policy.delay_s(1, random.Random(seed)) for seed in range(50)}
    assert len(delays) > 40  # spread, not a constant
    assert all(8.0 <= d <= 12.0 for d in delays)
    assert policy.delay_s(3, random.Random(7)) == policy.delay_s(3, random.Random(7))
