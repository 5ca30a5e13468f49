"""Velocity shares: weighted recent sales, and rebalancing within floor, ceiling and step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.policy import VelocityLimits
from omnistock.domain.velocity import Sale, even_shares, rebalance_shares, weighted_sales

from . import velocity_fraction_oracle
from .strategies import CHANNELS, channel_lists, velocity_limits

A, B, C = (ChannelId(x) for x in ("a", "b", "c"))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def sale(channel: ChannelId, quantity: int, age: timedelta) -> Sale:
    return Sale(channel=channel, quantity=quantity, at=NOW - age)


@pytest.mark.parametrize(
    ("sales", "expected"),
    [
        # a sale right now counts fully
        ([sale(A, 4, 0 * DAY)], {A: Decimal("4")}),
        # one half-life (7 days) ago counts half
        ([sale(A, 4, 7 * DAY)], {A: Decimal("2")}),
        # two half-lives: a quarter, summed with a fresh sale
        ([sale(A, 4, 14 * DAY), sale(A, 1, 0 * DAY)], {A: Decimal("2")}),
        # a sale "in the future" (clock skew) counts as now
        ([sale(B, 3, -DAY)], {B: Decimal("3")}),
        # channels are kept apart
        ([sale(A, 2, 0 * DAY), sale(B, 8, 7 * DAY)], {A: Decimal("2"), B: Decimal("4")}),
        # no sales: no weights
        ([], {}),
    ],
)
def test_weighted_sales_table(sales: list[Sale], expected: dict[ChannelId, Decimal]) -> None:
    assert weighted_sales(sales, now=NOW, half_life_days=Decimal(7)) == expected


def test_sale_rejects_naive_time_and_non_positive_quantity() -> None:
    with pytest.raises(InvalidValue) as naive:
        Sale(channel=A, quantity=1, at=datetime(2026, 1, 1))  # noqa: DTZ001
    assert naive.value.field == "at"
    with pytest.raises(InvalidValue) as zero:
        Sale(channel=A, quantity=0, at=NOW)
    assert zero.value.field == "quantity"


def test_weighted_sales_rejects_non_positive_half_life() -> None:
    with pytest.raises(InvalidValue) as exc:
        weighted_sales([], now=NOW, half_life_days=0)
    assert exc.value.field == "half_life_days"


LIMITS = VelocityLimits(floor=Decimal("0.1"), ceiling=Decimal("0.7"), max_step=Decimal("0.1"))


@pytest.mark.parametrize(
    ("weights", "previous", "expected"),
    [
        # first rebalance, no limit binds: proportional (0.1 floor kept for c, no history)
        (
            {A: Decimal(3), B: Decimal(6)},
            {},
            {A: Decimal("0.3"), B: Decimal("0.6"), C: Decimal("0.1")},
        ),
        # ceiling: a 0.9 target is held at 0.7
        ({A: Decimal(1)}, {}, {A: Decimal("0.7"), B: Decimal("0.1"), C: Decimal("0.1")}),
        # step: from 0.2 toward 0.8 only to 0.3 (and b down to 0.6 at most by one step)
        (
            {A: Decimal(8), B: Decimal(1)},
            {A: Decimal("0.2"), B: Decimal("0.7"), C: Decimal("0.1")},
            {A: Decimal("0.3"), B: Decimal("0.6"), C: Decimal("0.1")},
        ),
        # no history anywhere: an even split
        ({}, {}, {A: Decimal("0.333333"), B: Decimal("0.333333"), C: Decimal("0.333333")}),
    ],
)
def test_rebalance_table(
    weights: dict[ChannelId, Decimal],
    previous: dict[ChannelId, Decimal],
    expected: dict[ChannelId, Decimal],
) -> None:
    assert rebalance_shares(weights, previous, [A, B, C], LIMITS) == expected


def test_many_channels_lower_the_floor_to_keep_the_sum() -> None:
    channels = [ChannelId(f"c{i}") for i in range(30)]
    shares = rebalance_shares({channels[0]: Decimal(5)}, {}, channels, VelocityLimits())
    assert sum(shares.values()) <= 1
    assert min(shares.values()) == Decimal("0.033333")


def test_even_shares() -> None:
    assert even_shares([A, B], VelocityLimits()) == {A: Decimal("0.5"), B: Decimal("0.5")}
    assert even_shares([], VelocityLimits()) == {}


weight_maps = st.dictionaries(
    st.sampled_from(CHANNELS), st.decimals(0, 1000, places=3, allow_nan=False)
)


def effective_floor(limits: VelocityLimits, n: int) -> Decimal:
    return min(limits.floor, (Decimal(1) / n).quantize(Decimal("0.000001"), "ROUND_FLOOR"))


@settings(deadline=None)
@given(
    limits=velocity_limits(),
    rounds=st.lists(weight_maps, min_size=1, max_size=6),
    channels=channel_lists,
)
def test_rebalance_stays_within_floor_ceiling_step_and_sum(
    limits: VelocityLimits, rounds: list[dict[ChannelId, Decimal]], channels: list[ChannelId]
) -> None:
    floor = effective_floor(limits, len(channels))
    previous: dict[ChannelId, Decimal] = {}
    for weights in rounds:
        shares = rebalance_shares(weights, previous, channels, limits)
        assert set(shares) == set(channels)
        assert sum(shares.values()) <= 1
        for ch, share in shares.items():
            assert floor <= share <= max(limits.ceiling, floor)
            if ch in previous:
                assert abs(share - previous[ch]) <= limits.max_step
        previous = shares


@settings(deadline=None)
@given(limits=velocity_limits(), weights=weight_maps, channels=channel_lists)
def test_channels_without_history_get_the_floor(
    limits: VelocityLimits, weights: dict[ChannelId, Decimal], channels: list[ChannelId]
) -> None:
    shares = rebalance_shares(weights, {}, channels, limits)
    if any(weights.get(ch, 0) > 0 for ch in channels):
        floor = effective_floor(limits, len(channels))
        assert all(shares[ch] == floor for ch in channels if weights.get(ch, 0) == 0)


@given(
    limits=velocity_limits(),
    weights=st.dictionaries(
        st.sampled_from(CHANNELS), st.decimals(-1, 1000, places=6, allow_nan=False)
    ),
    previous=st.one_of(
        st.just({}),  # a first rebalance: no step limit
        st.dictionaries(st.sampled_from(CHANNELS), st.decimals(0, 1, places=8, allow_nan=False)),
    ),
    channels=st.lists(st.sampled_from(CHANNELS), max_size=6),
)
@settings(max_examples=300)
def test_integer_rebalance_equals_the_fraction_oracle(
    limits: VelocityLimits,
    weights: dict[ChannelId, Decimal],
    previous: dict[ChannelId, Decimal],
    channels: list[ChannelId],
) -> None:
    expected = velocity_fraction_oracle.rebalance_shares(weights, previous, channels, limits)
    assert rebalance_shares(weights, previous, channels, limits) == expected
