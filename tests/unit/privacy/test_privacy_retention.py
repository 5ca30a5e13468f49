from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.privacy.retention import (
    TAX_ZONE,
    DateRole,
    Purpose,
    RetentionPolicy,
    erasure_decision,
    expired,
    expires_at,
    invoice_retention_end,
)

D = DateRole
T = datetime(2026, 3, 10, 12, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("dates", "now", "gone"),
    [
        ({}, T + 400 * DAY, False),  # never delivered nor closed: still needed
        ({D.DELIVERED: T}, T + 43 * DAY, False),  # 14-day return window + 30 days not over
        ({D.DELIVERED: T}, T + 44 * DAY, True),  # …and now it is
        (
            {D.DELIVERED: T, D.RETURN_WINDOW_ENDS: T + 60 * DAY},
            T + 89 * DAY,
            False,
        ),  # longer window
        ({D.DELIVERED: T, D.RETURN_WINDOW_ENDS: T + 60 * DAY}, T + 90 * DAY, True),
        ({D.CLOSED: T}, T + 30 * DAY, True),  # cancelled: 30 days after closing
        ({D.CLOSED: T}, T + 29 * DAY, False),
    ],
)
def test_fulfilment_data_expires_after_delivery_or_return_window(
    dates: dict[DateRole, datetime], now: datetime, gone: bool
) -> None:
    assert expired(dates, Purpose.FULFILMENT, now) is gone


def test_fulfilment_period_is_configurable() -> None:
    policy = RetentionPolicy(delivery_days=0, return_window_days=0)
    assert expired({D.DELIVERED: T}, Purpose.FULFILMENT, T, policy=policy)
    with pytest.raises(ValueError, match="negative"):
        RetentionPolicy(delivery_days=-1)


@pytest.mark.parametrize(
    ("invoiced", "end_year"),
    [
        (datetime(2026, 3, 10, tzinfo=UTC), 2032),  # tax year 2026 ends 31.12.2026, +5 years
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), 2033),  # 0:30 on 1.1.2027 in Warsaw
        (datetime(2026, 1, 1, 0, 30, tzinfo=UTC), 2032),  # 1:30 in Warsaw: tax year 2026
    ],
)
def test_invoice_data_is_kept_five_years_from_the_end_of_the_tax_year(
    invoiced: datetime, end_year: int
) -> None:
    end = invoice_retention_end(invoiced)
    assert end == datetime(end_year, 1, 1, tzinfo=TAX_ZONE)
    dates = {D.INVOICED: invoiced}
    assert not expired(dates, Purpose.INVOICING, end - timedelta(seconds=1))
    assert expired(dates, Purpose.INVOICING, end)


def test_marketing_data_is_never_kept_and_lookup_hashes_do_not_expire_alone() -> None:
    assert expired({}, Purpose.MARKETING, T)
    assert not expired({D.DELIVERED: T}, Purpose.LOOKUP, T + 10_000 * DAY)
    assert expires_at({D.DELIVERED: T}, Purpose.LOOKUP) is None


def test_legal_retention_overrides_erasure_with_a_reason_and_date() -> None:
    dates = {D.INVOICED: T, D.DELIVERED: T}
    decision = erasure_decision(dates, Purpose.INVOICING, T + DAY)
    assert not decision.erase
    assert decision.keep_until == datetime(2032, 1, 1, tzinfo=TAX_ZONE)
    assert "legal obligation" in decision.reason
    assert "2032-01-01" in decision.reason
    assert erasure_decision(dates, Purpose.FULFILMENT, T + DAY).erase  # erasable at once
    assert erasure_decision(dates, Purpose.INVOICING, datetime(2032, 1, 1, tzinfo=UTC)).erase


def test_invoice_data_without_an_invoice_date_is_kept() -> None:
    decision = erasure_decision({}, Purpose.INVOICING, T)
    assert not decision.erase
    assert decision.keep_until is None
    assert "not recorded" in decision.reason
