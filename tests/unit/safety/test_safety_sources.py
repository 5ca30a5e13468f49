"""Stock-source checks at import, stale sources, and suspicious channel reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.safety import (
    FeedProblem,
    FeedSummary,
    GuardThresholds,
    check_feed,
    stale_skus,
    suspicious_channel_read,
    usual_sku_count,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def feed(count: int, *, age: timedelta = timedelta(minutes=5)) -> FeedSummary:
    skus = frozenset(Sku(f"S{i}") for i in range(count))
    return FeedSummary(source="erp", produced_at=NOW - age, skus=skus)


@pytest.mark.parametrize(
    ("summary", "usual", "problem"),
    [
        (feed(0), 100, FeedProblem.EMPTY),  # an empty file
        (feed(50), 100, FeedProblem.TRUNCATED),  # half the SKUs missing
        (feed(79), 100, FeedProblem.TRUNCATED),  # just under 80 %
        (feed(80), 100, None),  # 80 % is enough
        (feed(100, age=timedelta(hours=25)), 100, FeedProblem.STALE),  # older than 24 h
        (feed(100, age=-timedelta(hours=1)), 100, FeedProblem.FUTURE),  # dated ahead
        (feed(3), 0, None),  # no history yet: any non-empty feed is accepted
        (feed(100), 100, None),  # a normal feed
    ],
)
def test_check_feed(summary: FeedSummary, usual: int, problem: FeedProblem | None) -> None:
    check = check_feed(summary, usual_count=usual, now=NOW)
    assert check.problem is problem
    assert check.accepted is (problem is None)


def test_truncated_feed_names_the_missing_skus_and_counts() -> None:
    expected = [Sku(f"S{i}") for i in range(100)]
    check = check_feed(feed(50), usual_count=100, expected=expected, now=NOW)
    assert len(check.missing) == 50
    assert "50 SKUs, usually 100" in check.message


def test_max_age_per_source_overrides_default() -> None:
    summary = feed(10, age=timedelta(hours=2))
    assert check_feed(summary, usual_count=10, now=NOW).accepted
    strict = check_feed(summary, usual_count=10, now=NOW, max_age=timedelta(hours=1))
    assert strict.problem is FeedProblem.STALE


def test_usual_sku_count_is_the_median() -> None:
    assert usual_sku_count([100, 98, 5, 101, 100]) == 100
    assert usual_sku_count([]) == 0
    with pytest.raises(InvalidValue):
        usual_sku_count([-1])


def test_a_silent_source_makes_its_skus_stale_not_zero() -> None:
    seen = {Sku("A"): NOW - timedelta(hours=1), Sku("B"): NOW - timedelta(hours=30)}
    assert stale_skus(seen, max_age=timedelta(hours=24), now=NOW) == {Sku("B")}


@pytest.mark.parametrize(
    ("read", "believed", "suspicious"),
    [
        # the channel claims every offer is at 0 while we pushed stock
        ({f"O{i}": 0 for i in range(10)}, {f"O{i}": 5 for i in range(10)}, True),
        # 4 of 10 active offers read as 0: above 30 %
        ({**{f"O{i}": 0 for i in range(4)}, **{f"O{i}": 5 for i in range(4, 10)}},
         {f"O{i}": 5 for i in range(10)}, True),
        # 2 sold-out offers among 10: normal
        ({**{f"O{i}": 0 for i in range(2)}, **{f"O{i}": 5 for i in range(2, 10)}},
         {f"O{i}": 5 for i in range(10)}, False),
        # all zero, and we believed them all at zero too
        ({f"O{i}": 0 for i in range(10)}, {f"O{i}": 0 for i in range(10)}, False),
        # fewer than mass_min_listings offers: not enough to judge
        ({"O1": 0, "O2": 0}, {"O1": 3, "O2": 3}, False),
    ],
)  # fmt: skip
def test_suspicious_channel_read(read, believed, suspicious) -> None:
    assert suspicious_channel_read(read, believed, GuardThresholds()) is suspicious
