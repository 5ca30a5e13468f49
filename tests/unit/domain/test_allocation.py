"""Allocation of sellable stock to channels: strategies, caps, buffer, bundles."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.allocation import (
    AllocationInput,
    allocate_many,
    allocate_sku,
    split,
    strategy_split,
)
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.inventory import BundleComponent, Reservation, StockLevel
from omnistock.domain.policy import Policy, Strategy

from .strategies import CHANNELS, channel_lists, fraction_shares, percentage_policies

A, B, C, D = (ChannelId(x) for x in ("a", "b", "c", "d"))
SKU = Sku("MUG-1")
MAIN = WarehouseId("main")


def pct(**shares: int) -> dict[ChannelId, Decimal]:
    return {ChannelId(k): Decimal(v) for k, v in shares.items()}


def percentage(
    reserve: int = 0, max_listed: dict[ChannelId, int] | None = None, **shares: int
) -> Policy:
    return Policy(
        strategy=Strategy.PERCENTAGE,
        shares=pct(**shares),
        reserve=Decimal(reserve),
        max_listed=max_listed or {},
    )


@pytest.mark.parametrize(
    ("sellable", "policy", "channels", "expected"),
    [
        # shared: every channel sees all of sellable
        (7, Policy(), [A, B], {A: 7, B: 7}),
        # shared with nothing to sell
        (0, Policy(), [A, B], {A: 0, B: 0}),
        # shared, cap on one channel applies after the strategy
        (7, Policy(max_listed={B: 3}), [A, B], {A: 7, B: 3}),
        # percentage 60/30 + reserve 10 of 10: exact quotas
        (10, percentage(10, a=60, b=30), [A, B], {A: 6, B: 3}),
        # percentage: a channel without a share gets 0
        (10, percentage(10, a=60, b=30), [A, B, C], {A: 6, B: 3, C: 0}),
        # percentage: reserve 10 % of 5 = 0.5 is kept whole: 4 units for the channels
        (5, percentage(10, a=60, b=30), [A, B], {A: 3, B: 1}),
        # percentage: 1 unit at 50/50 goes to the first channel by name (deterministic)
        (1, percentage(a=50, b=50), [B, A], {A: 1, B: 0}),
        # percentage: 3 units at 50/50
        (3, percentage(a=50, b=50), [A, B], {A: 2, B: 1}),
        # percentage: shares summing below 100 % leave the rest unshown, like a reserve
        (10, percentage(a=50, b=20), [A, B], {A: 5, B: 2}),
        # percentage 39/38/23 at 6 units: quota method (largest remainder would say 2/2/2)
        (6, percentage(a=39, b=38, c=23), [A, B, C], {A: 3, B: 2, C: 1}),
        # … and at 7 units nobody gets less than at 6 (largest remainder: 3/3/1, c loses one)
        (7, percentage(a=39, b=38, c=23), [A, B, C], {A: 3, B: 3, C: 1}),
        # percentage: 100 % on one channel shows everything
        (9, percentage(a=100), [A, B], {A: 9, B: 0}),
        # percentage with a cap below the share
        (100, percentage(a=60, b=40, max_listed={A: 10}), [A, B], {A: 10, B: 40}),
        # percentage with a share for a channel that is not being allocated
        (10, percentage(a=50, d=50), [A, B], {A: 5, B: 0}),
        # velocity without shares: even split of what the floor/ceiling allow
        (9, Policy(strategy=Strategy.VELOCITY), [A, B, C], {A: 3, B: 3, C: 3}),
        # velocity without shares, 1 unit: rounding of 1/3 must not hide it
        (1, Policy(strategy=Strategy.VELOCITY), [A, B, C], {A: 1, B: 0, C: 0}),
    ],
)
def test_split_table(
    sellable: int, policy: Policy, channels: list[ChannelId], expected: dict[ChannelId, int]
) -> None:
    assert split(sellable, policy, channels) == expected


@pytest.mark.parametrize(
    ("sellable", "shares", "expected"),
    [
        # shares as given by rebalance_shares
        (10, {A: Decimal("0.7"), B: Decimal("0.3")}, {A: 7, B: 3}),
        # largest remainder: 0.45/0.45/0.1 of 3 → 1.35/1.35/0.3
        (3, {A: Decimal("0.45"), B: Decimal("0.45"), C: Decimal("0.1")}, {A: 2, B: 1, C: 0}),
        # shares summing above 1 are scaled down, never above sellable
        (4, {A: Decimal("0.8"), B: Decimal("0.8")}, {A: 2, B: 2}),
        # a channel without a velocity share gets 0
        (5, {A: Decimal("1")}, {A: 5, B: 0}),
        # shares summing to 0.5: half of sellable is held back
        (10, {A: Decimal("0.25"), B: Decimal("0.25")}, {A: 3, B: 2}),
    ],
)
def test_velocity_split_table(
    sellable: int, shares: dict[ChannelId, Decimal], expected: dict[ChannelId, int]
) -> None:
    policy = Policy(strategy=Strategy.VELOCITY)
    assert split(sellable, policy, [A, B, C][: len(expected)], shares) == expected


def stock_input(on_hand: int, policy: Policy, **kwargs: object) -> AllocationInput:
    return AllocationInput(
        sku=SKU,
        levels=[StockLevel(sku=SKU, warehouse=MAIN, on_hand=on_hand)],
        reservations=[],
        policy=policy,
        channels=[A, B],
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("on_hand", "buffer", "margin", "was_paused", "paused", "quantities"),
    [
        # buffer 0: listed as long as anything is available
        (1, 0, 0, False, False, {A: 1, B: 1}),
        # buffer 0 and nothing available: paused
        (0, 0, 0, False, True, {A: 0, B: 0}),
        # available equal to the buffer: paused
        (3, 3, 0, False, True, {A: 0, B: 0}),
        # one above the buffer: sellable 1
        (4, 3, 0, False, False, {A: 1, B: 1}),
        # was paused, above buffer but below buffer + margin: stays paused
        (5, 3, 3, True, True, {A: 0, B: 0}),
        # was paused, reaches buffer + margin: resumes
        (6, 3, 3, True, False, {A: 3, B: 3}),
        # was listed, inside the margin band: stays listed
        (5, 3, 3, False, False, {A: 2, B: 2}),
    ],
)
def test_buffer_in_allocation(
    on_hand: int,
    buffer: int,
    margin: int,
    was_paused: bool,
    paused: bool,
    quantities: dict[ChannelId, int],
) -> None:
    policy = Policy(buffer=buffer, resume_margin=margin)
    result = allocate_sku(stock_input(on_hand, policy, was_paused=was_paused))
    assert (result.paused, dict(result.quantities)) == (paused, quantities)
    assert result.sellable == max(0, on_hand - buffer)


def test_allocate_sums_levels_and_open_reservations_only() -> None:
    inp = AllocationInput(
        sku=SKU,
        levels=[
            StockLevel(sku=SKU, warehouse=MAIN, on_hand=5),
            StockLevel(sku=SKU, warehouse=WarehouseId("b"), on_hand=4),
        ],
        reservations=[
            Reservation(sku=SKU, quantity=2, order_ref="o1"),
            Reservation(sku=SKU, quantity=3, order_ref="o2", open=False),
        ],
        policy=Policy(buffer=1),
        channels=[A],
    )
    result = allocate_sku(inp)
    assert (result.on_hand, result.reserved, result.available) == (9, 2, 7)
    assert (result.sellable, dict(result.quantities)) == (6, {A: 6})


def test_reservations_above_on_hand_give_zero_available() -> None:
    inp = AllocationInput(
        sku=SKU,
        levels=[StockLevel(sku=SKU, warehouse=MAIN, on_hand=1)],
        reservations=[Reservation(sku=SKU, quantity=3, order_ref="o1")],
        policy=Policy(),
        channels=[A],
    )
    result = allocate_sku(inp)
    assert (result.available, result.paused, dict(result.quantities)) == (0, True, {A: 0})


def test_bundle_availability_comes_from_components() -> None:
    inp = AllocationInput(
        sku=Sku("KIT"),
        levels=[],
        reservations=[],
        policy=Policy(),
        channels=[A],
        bundle=[
            BundleComponent(sku=Sku("x"), quantity=2),
            BundleComponent(sku=Sku("y"), quantity=1),
        ],
        component_available={Sku("x"): 7, Sku("y"): 5},
    )
    result = allocate_sku(inp)
    assert (result.available, dict(result.quantities)) == (3, {A: 3})


def test_allocate_many_matches_allocate_sku() -> None:
    inputs = [stock_input(n, percentage(10, a=60, b=30)) for n in range(20)]
    assert allocate_many(inputs) == [allocate_sku(i) for i in inputs]


# ---- properties -------------------------------------------------------------------------


@settings(deadline=None)
@given(
    sellable=st.integers(0, 10_000), policy=percentage_policies(caps=True), channels=channel_lists
)
def test_percentage_never_above_sellable_and_never_the_reserve(
    sellable: int, policy: Policy, channels: list[ChannelId]
) -> None:
    result = split(sellable, policy, channels)
    reserve_units = math.ceil(Fraction(sellable) * Fraction(policy.reserve) / 100)
    assert sum(result.values()) <= sellable - reserve_units
    assert all(q >= 0 for q in result.values())
    assert all(result[ch] == 0 for ch in channels if policy.shares.get(ch, 0) == 0)


@settings(deadline=None)
@given(sellable=st.integers(0, 10_000), policy=percentage_policies(), channels=channel_lists)
def test_percentage_each_channel_gets_floor_or_ceiling_of_its_quota(
    sellable: int, policy: Policy, channels: list[ChannelId]
) -> None:
    result = strategy_split(sellable, policy, channels)
    named = [ch for ch in set(channels) if policy.shares.get(ch, 0) > 0]
    total = sum((policy.shares[ch] for ch in named), Decimal(0))
    house = math.floor(Fraction(sellable) * Fraction(total) / 100)
    assert sum(result[ch] for ch in named) == house
    for ch in named:
        quota = Fraction(house) * Fraction(policy.shares[ch]) / Fraction(total)
        assert math.floor(quota) <= result[ch] <= math.ceil(quota)
        # and never more than the channel's share of sellable, rounded up
        assert result[ch] <= math.ceil(Fraction(sellable) * Fraction(policy.shares[ch]) / 100)


@settings(max_examples=300, deadline=None)
@given(
    sellable=st.integers(0, 2_000),
    policy=percentage_policies(caps=True),
    channels=channel_lists,
)
def test_percentage_more_stock_never_gives_a_channel_less(
    sellable: int, policy: Policy, channels: list[ChannelId]
) -> None:
    previous = split(sellable, policy, channels)
    for more in range(sellable + 1, sellable + 60):  # every step: a paradox needs one unit
        current = split(more, policy, channels)
        assert all(current[ch] >= previous[ch] for ch in channels), more
        previous = current


def test_percentage_monotone_step_by_step() -> None:
    policy = percentage(a=39, b=38, c=23)
    previous = split(0, policy, [A, B, C])
    for sellable in range(1, 400):
        current = split(sellable, policy, [A, B, C])
        assert all(current[ch] >= previous[ch] for ch in (A, B, C)), sellable
        previous = current


@settings(deadline=None)
@given(sellable=st.integers(0, 10_000), shares=fraction_shares(), channels=channel_lists)
def test_velocity_never_above_sellable(
    sellable: int, shares: dict[ChannelId, Decimal], channels: list[ChannelId]
) -> None:
    result = split(sellable, Policy(strategy=Strategy.VELOCITY), channels, shares)
    assert 0 <= sum(result.values()) <= sellable
    assert all(result[ch] == 0 for ch in channels if shares.get(ch, 0) == 0)


@settings(deadline=None)
@given(
    sellable=st.integers(0, 10_000),
    caps=st.dictionaries(st.sampled_from(CHANNELS), st.integers(0, 100)),
    channels=channel_lists,
)
def test_shared_each_channel_at_most_sellable_and_capped(
    sellable: int, caps: dict[ChannelId, int], channels: list[ChannelId]
) -> None:
    result = split(sellable, Policy(max_listed=caps), channels)
    assert all(q == min(sellable, caps.get(ch, sellable)) for ch, q in result.items())


@settings(deadline=None)
@given(
    on_hand=st.integers(0, 50),
    reserved=st.integers(0, 20),
    policy=percentage_policies(caps=True) | st.builds(Policy, buffer=st.integers(0, 10)),
    was_paused=st.booleans(),
)
def test_paused_means_every_channel_zero(
    on_hand: int, reserved: int, policy: Policy, was_paused: bool
) -> None:
    reservations = [Reservation(sku=SKU, quantity=reserved, order_ref="o")] if reserved else []
    inp = AllocationInput(
        sku=SKU,
        levels=[StockLevel(sku=SKU, warehouse=MAIN, on_hand=on_hand)],
        reservations=reservations,
        policy=policy,
        channels=CHANNELS,
        was_paused=was_paused,
    )
    result = allocate_sku(inp)
    assert result.available == max(0, on_hand - reserved)
    assert result.paused == (
        result.available <= policy.buffer
        or (was_paused and result.available < policy.buffer + policy.resume_margin)
    )
    if result.paused:
        assert set(result.quantities.values()) == {0}
    assert all(q <= result.sellable for q in result.quantities.values())
