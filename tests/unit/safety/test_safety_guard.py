"""The safety guard over plain values: mass changes, large drops, sanity, explained sales."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.safety import (
    ActiveListing,
    GuardThresholds,
    HoldReason,
    ProposedChange,
    SanityProblem,
    guard_change_set,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CH = ChannelId("allegro-main")


def change(i: int, old: int, new: object, *, at: datetime = T0) -> ProposedChange:
    return ProposedChange(
        channel=CH,
        offer_id=f"O{i}",
        sku=Sku(f"S{i}"),
        previous=old,
        quantity=new,  # type: ignore[arg-type]  # bad values on purpose
        observed_at=at,
    )


def listings(quantities: list[int]) -> list[ActiveListing]:
    return [
        ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=q)
        for i, q in enumerate(quantities)
    ]


def sold(pairs: dict[int, int]) -> dict[Sku, int]:
    return {Sku(f"S{i}"): n for i, n in pairs.items()}


def run(old: list[int], new: dict[int, object], orders: dict[int, int] | None = None, **limits):
    proposed = [change(i, old[i], q) for i, q in new.items()]
    return guard_change_set(proposed, listings(old), sold(orders or {}), GuardThresholds(**limits))


@pytest.mark.parametrize(
    ("old", "new", "orders", "set_held", "held", "sent"),
    [
        # an all-zero feed: every listing drops to 0 with no order → the whole set is held
        ([20] * 10, dict.fromkeys(range(10), 0), {}, True, 10, 0),
        # 4 of 10 zeroed (40 % > 30 %) without orders → whole set held, increases too
        ([20] * 10, {0: 0, 1: 0, 2: 0, 3: 0, 4: 25}, {}, True, 5, 0),
        # 3 of 10 zeroed is exactly 30 %: not "more than" → judged per item instead
        ([20] * 10, {0: 0, 1: 0, 2: 0}, {}, False, 3, 0),
        # a promotion: 8 of 10 sold out, every unit explained by imported orders → sent
        ([20] * 10, dict.fromkeys(range(8), 0), dict.fromkeys(range(8), 20), False, 0, 8),
        # orders explain most but not all of each drop: 5 unexplained units each → sent
        ([20] * 10, dict.fromkeys(range(8), 0), dict.fromkeys(range(8), 15), False, 0, 8),
        # orders explain only 2 of 20 units on most SKUs → mass drop held
        ([20] * 10, dict.fromkeys(range(8), 0), dict.fromkeys(range(8), 2), True, 8, 0),
        # mass drop by more than 50 % (20 → 5) on most listings, no orders → held
        ([20] * 10, dict.fromkeys(range(6), 5), {}, True, 6, 0),
        # a 40 % drop on every listing is below the mass-drop share → sent
        ([20] * 10, dict.fromkeys(range(10), 12), {}, False, 0, 10),
        # one unexplained big drop (120 → 0) among 10 → only that item held
        ([120, *[20] * 9], {0: 0, 1: 19}, {}, False, 1, 1),
        # small quantity 2 → 0 without order: under the unit floor → sent
        ([2, *[20] * 9], {0: 0}, {}, False, 0, 1),
        # a tiny shop: 2 listings zeroed is under mass_min_listings → judged per item (held)
        ([50, 50], {0: 0, 1: 0}, {}, False, 2, 0),
        # increases are never held
        ([5] * 10, dict.fromkeys(range(10), 500), {}, False, 0, 10),
    ],
)
def test_guard_table(old, new, orders, set_held, held, sent) -> None:
    verdict = run(old, new, orders)
    assert verdict.set_held is set_held
    assert len(verdict.held) == held
    assert len(verdict.send) == sent
    assert verdict.errors == ()


def test_holds_change_set_that_zeroes_most_listings_with_reason() -> None:
    verdict = run([20] * 10, dict.fromkeys(range(10), 0))
    assert {h.reason for h in verdict.held} == {HoldReason.MASS_CHANGE}
    assert verdict.suspicious == 10
    assert verdict.active == 10
    assert "10 of 10" in verdict.held[0].message


def test_holds_single_unexplained_large_drop_with_numbers() -> None:
    verdict = run([120, *[20] * 9], {0: 0})
    (held,) = verdict.held
    assert held.reason is HoldReason.LARGE_DROP
    assert "120 → 0" in held.message


def test_window_baseline_catches_drops_spread_over_batches() -> None:
    # the last pushed value is already 1, but the window started at 120
    proposed = [change(0, 1, 0)]
    current = listings([120, *[20] * 9])
    verdict = guard_change_set(proposed, current, {})
    assert len(verdict.held) == 1


def test_listing_missing_from_current_is_measured_from_previous() -> None:
    verdict = guard_change_set([change(0, 150, 0)], [], {})
    assert len(verdict.held) == 1


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (-1, SanityProblem.NEGATIVE),  # negative quantity
        (2.5, SanityProblem.NOT_INTEGER),  # a float slipped in
        ("7", SanityProblem.NOT_INTEGER),  # a string slipped in
        (True, SanityProblem.NOT_INTEGER),  # bool is not a quantity
        (10_001, SanityProblem.ABSURD),  # above 10 × max(largest seen, floor 1000)
    ],
)
def test_sanity_errors_are_never_sent_or_held(value: object, problem: SanityProblem) -> None:
    verdict = run([20] * 10, {0: value, 1: 21})
    (error,) = verdict.errors
    assert error.problem is problem
    assert [c.offer_id for c in verdict.send] == ["O1"]
    assert verdict.held == ()


def test_absurd_limit_grows_with_largest_seen() -> None:
    assert run([5000, 5], {1: 40_000}).errors == ()  # 10 × 5000 = 50 000
    assert run([5000, 5], {1: 60_000}).errors[0].problem is SanityProblem.ABSURD


def test_naive_observed_at_is_an_error() -> None:
    naive = change(0, 5, 6, at=datetime(2026, 1, 1))  # noqa: DTZ001 - the bad input under test
    verdict = guard_change_set([naive], listings([5]), {})
    assert verdict.errors[0].problem is SanityProblem.NAIVE_TIME


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mass_share", 0),
        ("mass_share", 1.5),
        ("item_min_units", 0),
        ("absurd_factor", 2.5),
        ("window", timedelta(0)),
    ],
)
def test_thresholds_reject_values_that_would_disable_the_guard(field: str, value: object) -> None:
    with pytest.raises(InvalidValue) as info:
        GuardThresholds(**{field: value})
    assert info.value.field == field


@settings(max_examples=150, deadline=None)
@given(
    active=st.lists(st.integers(1, 500), min_size=3, max_size=60),
    data=st.data(),
)
def test_zeroing_more_than_the_share_without_orders_is_always_held(active, data) -> None:
    n = len(active)
    minimum = max(3, int(0.3 * n) + 1)
    zeroed = data.draw(st.sets(st.integers(0, n - 1), min_size=minimum, max_size=n))
    others = {i: data.draw(st.integers(0, 1000)) for i in range(n) if i not in zeroed}
    # orders exist for the other SKUs only; the zeroed ones have none
    orders = {i: data.draw(st.integers(0, 50)) for i in others}
    new = {**dict.fromkeys(zeroed, 0), **others}
    verdict = run(active, new, orders)
    assert verdict.set_held
    assert verdict.send == ()
    assert len(verdict.held) == n


@settings(max_examples=100, deadline=None)
@given(active=st.lists(st.integers(0, 500), min_size=1, max_size=60))
def test_drops_fully_explained_by_orders_are_never_held(active) -> None:
    new = dict.fromkeys(range(len(active)), 0)
    verdict = run(active, new, dict(enumerate(active)))
    assert not verdict.set_held
    assert verdict.held == ()
    assert len(verdict.send) == len(active)


def test_thresholds_from_table() -> None:
    from omnistock.domain.safety import thresholds_from_table

    limits = thresholds_from_table(
        {"mass_share": 0.5, "window_minutes": 30, "feed_max_age_hours": 2}
    )
    assert (limits.mass_share, limits.window, limits.feed_max_age) == (
        0.5,
        timedelta(minutes=30),
        timedelta(hours=2),
    )
    for table, field in [
        ({"mass_shar": 0.5}, "safety.mass_shar"),  # typo
        ({"window_minutes": 0}, "safety.window_minutes"),
        ({"item_min_units": "10"}, "safety.item_min_units"),
        ({"mass_share": 2}, "safety.mass_share"),
        ({"mass_share": "0.3"}, "safety.mass_share"),
    ]:
        with pytest.raises(InvalidValue) as info:
            thresholds_from_table(table)
        assert info.value.field == field


def _window(shown: list[int], peaks: list[int | None]) -> list[ActiveListing]:
    return [
        ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=q, peak=p)
        for i, (q, p) in enumerate(zip(shown, peaks, strict=True))
    ]


def test_drops_already_sent_in_the_window_count_toward_the_mass_rule() -> None:
    # 10 listings at 20; earlier in the window 2 went to 0 (sent); now 2 more → 4 of 10
    current = _window([0, 0] + [20] * 8, [20, 20] + [None] * 8)
    proposed = [change(2, 20, 0), change(3, 20, 0)]
    verdict = guard_change_set(proposed, current, {})
    assert (verdict.set_held, verdict.suspicious, verdict.active) == (True, 4, 10)
    assert [h.change.offer_id for h in verdict.held] == ["O2", "O3"]  # only what is still unsent
    # the same two changes measured from the last pushed values alone (no peaks): 2 of 8
    flat = guard_change_set(proposed, _window([0, 0] + [20] * 8, [None] * 10), {})
    assert not flat.set_held


def test_sent_drops_that_orders_explain_do_not_count() -> None:
    current = _window([0, 0] + [20] * 8, [20, 20] + [None] * 8)
    proposed = [change(2, 20, 0), change(3, 20, 0)]
    verdict = guard_change_set(proposed, current, sold({0: 20, 1: 20}))
    assert (verdict.set_held, verdict.suspicious) == (False, 2)


def test_a_drop_is_measured_from_the_window_peak() -> None:
    # shown 12 now, 60 earlier in the window; 12 → 0 with no order is a 60-unit drop
    verdict = guard_change_set([change(0, 12, 0)], _window([12] * 5, [60] + [None] * 4), {})
    (held,) = verdict.held
    assert (held.reason, "60 → 0" in held.message) == (HoldReason.LARGE_DROP, True)
    assert ActiveListing(offer_id="x", sku=Sku("s"), quantity=9, peak=4).baseline == 9


def test_never_confirmed_listings_going_to_zero_are_a_mass_drop() -> None:
    """No baseline and no previous value: what the channel shows is unknown, 0 is not safe."""
    unknown = [change(i, None, 0) for i in range(100)]  # type: ignore[arg-type]
    verdict = guard_change_set(unknown, [], {})
    assert verdict.set_held
    assert len(verdict.held) == 100
    assert not verdict.send


def test_never_confirmed_zeros_explained_by_orders_or_few_are_sent() -> None:
    unknown = [change(i, None, 0) for i in range(10)]  # type: ignore[arg-type]
    assert not guard_change_set(unknown, [], sold(dict.fromkeys(range(10), 1))).held
    assert not guard_change_set(unknown[:2], listings([20] * 10)[2:], {}).held
