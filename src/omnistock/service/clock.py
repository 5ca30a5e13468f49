"""Clocks: the one seam through which services learn the time (``Clock.now()``, aware UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from omnistock.domain.errors import InvalidValue


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValue("datetime must be timezone-aware", field="now")
    return moment.astimezone(UTC)


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until it is set or advanced (tests, demos, dry runs)."""

    def __init__(self, now: datetime) -> None:
        self._now = _require_aware(now)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        """Jump to ``now`` (aware; converted to UTC)."""
        self._now = _require_aware(now)

    def advance(self, delta: timedelta | None = None, /, **units: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**units)``; returns the new time."""
        step = delta if delta is not None else timedelta(**units)
        if step < timedelta(0):
            raise InvalidValue("a clock cannot go backwards", field="delta")
        self._now += step
        return self._now
