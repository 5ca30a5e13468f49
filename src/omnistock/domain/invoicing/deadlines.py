"""Dates the law sets for issuing (art. 106i) and for a consumer's request (art. 106b ust. 3).

The domain has no clock: callers pass ``today``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from omnistock.domain.errors import InvalidValue


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def consumer_request_deadline(delivered_on: date) -> date:
    """Last day a consumer may ask for an invoice: 3 months from the end of the delivery month.

    >>> consumer_request_deadline(date(2026, 11, 26))
    datetime.date(2027, 2, 28)
    """
    return _month_end(*_add_months(delivered_on, 3))


def issue_deadline(delivered_on: date, requested_on: date | None = None) -> date:
    """Latest issue date: the 15th of the next month; for a consumer's late request, 15 days.

    ``requested_on`` is the consumer's request date (``None`` for a business sale). A request
    made after the delivery month gives 15 days from the request (art. 106i ust. 6).
    """
    year, month = _add_months(delivered_on, 1)
    deadline = date(year, month, 15)
    if requested_on is None:
        return deadline
    if requested_on > consumer_request_deadline(delivered_on):
        raise InvalidValue("the 3-month window for a consumer invoice has passed", field="request")
    late = (requested_on.year, requested_on.month) > (delivered_on.year, delivered_on.month)
    return requested_on + timedelta(days=15) if late else deadline


def check_issue_date(issue_date: date, today: date) -> None:
    """KSeF rejects an invoice dated in the future (``P_1``)."""
    if issue_date > today:
        raise InvalidValue(f"{issue_date} is in the future", field="issue_date")
