"""The clocks services read the time from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.service.clock import FixedClock, SystemClock

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - now) < timedelta(minutes=1)


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock = FixedClock(T0)
    assert clock.now() == clock.now() == T0
    assert clock.advance(minutes=5) == T0 + timedelta(minutes=5)
    assert clock.advance(timedelta(seconds=1)) == T0 + timedelta(minutes=5, seconds=1)


def test_fixed_clock_can_be_set_and_normalises_to_utc() -> None:
    clock = FixedClock(T0)
    warsaw = timezone(timedelta(hours=1))
    clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=warsaw))
    assert clock.now() == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_fixed_clock_refuses_naive_time_and_going_backwards() -> None:
    with pytest.raises(InvalidValue):
        FixedClock(datetime(2026, 3, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidValue):
        FixedClock(T0).advance(seconds=-1)
