"""Apportionment methods: the quota method is quota-true and house monotone; Hamilton is not."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.apportion import QuotaTable, largest_remainder


def test_largest_remainder_shows_the_alabama_paradox() -> None:
    # shares 39/38/23 %: 6 units → 2/2/2, 7 units → 3/3/1: the third party loses one
    assert largest_remainder(6, [39, 38, 23], 100) == [2, 2, 2]
    assert largest_remainder(7, [39, 38, 23], 100) == [3, 3, 1]


def test_quota_method_avoids_it_on_the_same_case() -> None:
    table = QuotaTable([39, 38, 23])
    assert (table.seats(6), table.seats(7)) == ((3, 2, 1), (3, 3, 1))


@pytest.mark.parametrize(
    ("units", "weights", "denominator", "expected"),
    [
        # exact quotas
        (10, [6, 3], 10, [6, 3]),
        # 0.9 of 5 = 4.5 distributable → 4: floors 3 and 1, no leftover
        (5, [6, 3], 10, [3, 1]),
        # ties on remainder go to the lower index
        (1, [1, 1], 2, [1, 0]),
        # leftover to the largest remainder: 2.4/1.6 → 2/2
        (4, [6, 4], 10, [2, 2]),
        # nothing to share
        (0, [1, 2], 3, [0, 0]),
    ],
)
def test_largest_remainder_table(
    units: int, weights: list[int], denominator: int, expected: list[int]
) -> None:
    assert largest_remainder(units, weights, denominator) == expected


@pytest.mark.parametrize(
    ("weights", "house", "expected"),
    [
        # one party takes everything
        ([5], 7, (7,)),
        # equal weights: ties to the lower index
        ([1, 1], 3, (2, 1)),
        # a full period gives exactly the weights
        ([3, 2, 1], 6, (3, 2, 1)),
        # two periods plus one unit
        ([3, 2, 1], 13, (7, 4, 2)),
    ],
)
def test_quota_table_table(weights: list[int], house: int, expected: tuple[int, ...]) -> None:
    assert QuotaTable(weights).seats(house) == expected


def test_quota_table_rejects_non_positive_weights() -> None:
    with pytest.raises(ValueError, match="positive"):
        QuotaTable([1, 0])


weight_lists = st.lists(st.integers(1, 60), min_size=1, max_size=5)


@settings(deadline=None)
@given(weights=weight_lists, house=st.integers(0, 500))
def test_quota_method_stays_within_quota(weights: list[int], house: int) -> None:
    seats = QuotaTable(weights).seats(house)
    assert sum(seats) == house
    total = sum(weights)
    for w, s in zip(weights, seats, strict=True):
        quota = Fraction(house * w, total)
        assert math.floor(quota) <= s <= math.ceil(quota)


@settings(deadline=None)
@given(weights=weight_lists, house=st.integers(0, 500), more=st.integers(1, 50))
def test_quota_method_is_house_monotone(weights: list[int], house: int, more: int) -> None:
    table = QuotaTable(weights)
    before, after = table.seats(house), table.seats(house + more)
    assert all(a >= b for a, b in zip(after, before, strict=True))


@settings(deadline=None)
@given(units=st.integers(0, 1000), weights=weight_lists, extra=st.integers(0, 100))
def test_largest_remainder_never_above_the_quota_total(
    units: int, weights: list[int], extra: int
) -> None:
    denominator = sum(weights) + extra
    result = largest_remainder(units, weights, denominator)
    assert sum(result) == units * sum(weights) // denominator
    for w, r in zip(weights, result, strict=True):
        assert units * w // denominator <= r <= units * w // denominator + 1
