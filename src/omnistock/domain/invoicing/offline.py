"""When an invoice issued while KSeF could not take it must still be sent (KSeF offline modes).

Three modes (VAT Act; KSeF docs ``tryby-offline.md``), each with its deadline:

- ``OFFLINE24`` (art. 106nda, the taxpayer's choice, e.g. our outage or KSeF answering 5xx):
  by the **next working day after the issue date**;
- ``UNAVAILABLE`` (art. 106nh, unavailability announced by the Ministry): by the **next working
  day after the unavailability ends**;
- ``EMERGENCY`` (art. 106nf, failure announced, "tryb awaryjny"): within **7 working days after
  the failure ends**.

Working days are Monday–Friday except Polish public holidays (incl. 24 December from 2025). The
invoice keeps its ``P_1`` date and is sent with ``offlineMode: true``. [M] The article mapping
should be confirmed by the seller's accountant.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from omnistock.domain.errors import InvalidValue

__all__ = [
    "OfflineMode",
    "add_working_days",
    "is_working_day",
    "polish_holidays",
    "submission_deadline",
]


class OfflineMode(StrEnum):
    """Why an invoice was issued without a KSeF number."""

    OFFLINE24 = "offline24"
    UNAVAILABLE = "unavailable"
    EMERGENCY = "emergency"


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def polish_holidays(year: int) -> frozenset[date]:
    """Statutory non-working days of ``year`` (ustawa o dniach wolnych od pracy).

    >>> date(2026, 6, 4) in polish_holidays(2026)  # Corpus Christi
    True
    """
    easter = _easter(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= 2025:
        fixed.append((12, 24))
    moving = [
        easter,
        easter + timedelta(days=1),
        easter + timedelta(days=49),
        easter + timedelta(days=60),
    ]
    return frozenset([date(year, m, d) for m, d in fixed] + moving)


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a public holiday."""
    return day.weekday() < 5 and day not in polish_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``count`` ≥ 1).

    >>> add_working_days(date(2026, 12, 23), 1)  # 24–27 Dec are off
    datetime.date(2026, 12, 28)
    """
    if count < 1:
        raise InvalidValue("count must be at least 1", field="count")
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def submission_deadline(
    mode: OfflineMode, *, issued_on: date, ended_on: date | None = None
) -> date:
    """Last day to send an invoice issued offline in ``mode`` to KSeF.

    ``ended_on`` is the day the announced unavailability/failure ended (required for
    ``UNAVAILABLE`` and ``EMERGENCY``; not before ``issued_on``).
    """
    if mode is OfflineMode.OFFLINE24:
        return add_working_days(issued_on, 1)
    if ended_on is None or ended_on < issued_on:
        raise InvalidValue(
            "the end of the outage is required and not before issuing", field="ended_on"
        )
    return add_working_days(ended_on, 1 if mode is OfflineMode.UNAVAILABLE else 7)
