"""Deadlines for invoices issued while KSeF could not take them."""

from __future__ import annotations

from datetime import date

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.offline import (
    OfflineMode,
    add_working_days,
    is_working_day,
    polish_holidays,
    submission_deadline,
)


@pytest.mark.parametrize(
    ("year", "easter_monday", "corpus_christi"),
    [(2025, date(2025, 4, 21), date(2025, 6, 19)), (2026, date(2026, 4, 6), date(2026, 6, 4)),
     (2027, date(2027, 3, 29), date(2027, 5, 27))],
)  # fmt: skip
def test_moving_holidays_follow_easter(year, easter_monday, corpus_christi):
    assert {easter_monday, corpus_christi} <= polish_holidays(year)


def test_christmas_eve_is_a_holiday_from_2025_only():
    assert date(2025, 12, 24) in polish_holidays(2025)
    assert date(2024, 12, 24) not in polish_holidays(2024)


@pytest.mark.parametrize(
    ("mode", "issued", "ended", "deadline"),
    [
        # offline24: next working day after issuing
        (OfflineMode.OFFLINE24, date(2026, 11, 26), None, date(2026, 11, 27)),
        # … issued on a Friday → Monday
        (OfflineMode.OFFLINE24, date(2026, 11, 27), None, date(2026, 11, 30)),
        # … before Christmas: 24, 25, 26 (Sat), 27 (Sun) are off
        (OfflineMode.OFFLINE24, date(2026, 12, 23), None, date(2026, 12, 28)),
        # announced unavailability: next working day after its end
        (OfflineMode.UNAVAILABLE, date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 12)),
        # emergency: 7 working days after the failure ends (11 Nov is a holiday)
        (OfflineMode.EMERGENCY, date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 18)),
    ],
)
def test_submission_deadline(mode, issued, ended, deadline):
    assert submission_deadline(mode, issued_on=issued, ended_on=ended) == deadline
    assert is_working_day(deadline)


def test_outage_modes_need_their_end_date():
    with pytest.raises(InvalidValue, match="end of the outage") as caught:
        submission_deadline(OfflineMode.EMERGENCY, issued_on=date(2026, 11, 2))
    assert caught.value.field == "ended_on"
    with pytest.raises(InvalidValue):
        submission_deadline(
            OfflineMode.UNAVAILABLE, issued_on=date(2026, 11, 2), ended_on=date(2026, 11, 1)
        )


def test_add_working_days_refuses_zero():
    with pytest.raises(InvalidValue):
        add_working_days(date(2026, 11, 2), 0)
