"""Issue deadlines and the consumer's request window."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import (
    check_issue_date,
    consumer_request_deadline,
    deadlines,
    issue_deadline,
)


@pytest.mark.parametrize(
    ("delivered", "deadline"),
    [
        (date(2026, 11, 26), date(2027, 2, 28)),  # across the year end, February
        (date(2027, 11, 1), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), date(2026, 4, 30)),  # 30-day month
    ],
)
def test_consumer_may_ask_for_three_months_after_the_delivery_month(
    delivered: date, deadline: date
) -> None:
    assert consumer_request_deadline(delivered) == deadline


@pytest.mark.parametrize(
    ("delivered", "requested", "deadline"),
    [
        (date(2026, 11, 26), None, date(2026, 12, 15)),  # business sale: 15th of next month
        (date(2026, 12, 3), None, date(2027, 1, 15)),  # across the year end
        (date(2026, 11, 26), date(2026, 11, 30), date(2026, 12, 15)),  # asked in the same month
        (date(2026, 11, 26), date(2027, 1, 20), date(2027, 2, 4)),  # asked later: 15 days
    ],
)
def test_issue_deadline(delivered: date, requested: date | None, deadline: date) -> None:
    assert issue_deadline(delivered, requested) == deadline


def test_request_after_the_window_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        issue_deadline(date(2026, 11, 26), date(2027, 3, 1))
    assert caught.value.field == "request"


def test_future_issue_date_is_refused() -> None:
    check_issue_date(date(2026, 11, 26), today=date(2026, 11, 26))
    with pytest.raises(InvalidValue) as caught:
        check_issue_date(date(2026, 11, 27), today=date(2026, 11, 26))
    assert caught.value.field == "issue_date"


def test_doctests() -> None:
    from omnistock.domain.invoicing import ksef_number, money, nip

    for module in (deadlines, ksef_number, money, nip):
        assert doctest.testmod(module).failed == 0
