"""Sliding windows and leaky buckets on the sandbox clock."""

from __future__ import annotations

import pytest

from omnistock.sandbox.common import LeakyBucket, SandboxClock, SlidingWindow


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(time_scale=1e-9)  # effectively frozen; tests move it with advance()


def test_sliding_window_allows_limit_then_denies_until_the_oldest_expires(clock) -> None:
    window = SlidingWindow(limit=3, window_seconds=60, clock=clock)
    assert [window.hit("a").allowed for _ in range(3)] == [True] * 3
    clock.advance(10)
    denied = window.hit("a")
    assert not denied.allowed
    assert denied.retry_after_seconds == pytest.approx(50, abs=0.01)
    assert window.hit("b").allowed  # keys are independent
    clock.advance(50)
    assert window.hit("a").allowed


def test_sliding_window_counts_costs(clock) -> None:
    window = SlidingWindow(limit=100, window_seconds=60, clock=clock)
    assert window.hit("s", cost=70).allowed
    assert not window.hit("s", cost=40).allowed
    assert window.used("s") == 70
    assert window.hit("s", cost=30).allowed
    window.reset()
    assert window.used("s") == 0


def test_leaky_bucket_drains_at_its_rate(clock) -> None:
    bucket = LeakyBucket(rate_per_minute=60, clock=clock, capacity=5)
    assert all(bucket.hit("s").allowed for _ in range(5))
    denied = bucket.hit("s")
    assert not denied.allowed
    assert denied.retry_after_seconds == pytest.approx(1, abs=0.01)
    clock.advance(2)
    assert bucket.level("s") == pytest.approx(3, abs=0.01)
    assert bucket.hit("s").allowed
    assert bucket.hit("s").allowed
    assert not bucket.hit("s").allowed


def test_time_scale_compresses_windows() -> None:
    clock = SandboxClock(time_scale=60_000)  # one sandbox minute per real millisecond
    window = SlidingWindow(limit=1, window_seconds=60, clock=clock)
    assert window.hit("k").allowed
    allowed = False
    for _ in range(1_000_000):
        allowed = window.hit("k").allowed
        if allowed:
            break
    assert allowed


def test_clock_only_moves_forward(clock) -> None:
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    before = clock.now()
    clock.advance(3600)
    assert (clock.now() - before).total_seconds() == pytest.approx(3600, abs=0.01)
