"""Planner: coalesce, drop unchanged and stale, decreases first, chunk to max_batch."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnistock.sync import planner
from omnistock.sync.planner import ListingChange, coalesce, plan

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _change(
    offer: str, desired: int, last: int | None, sec: int = 0, **kw: object
) -> ListingChange:
    return ListingChange(
        offer_id=offer,
        sku=offer.upper(),
        desired=desired,
        last_pushed=last,
        observed_at=T0 + timedelta(seconds=sec),
        **kw,  # type: ignore[arg-type]
    )


def test_doctests_pass() -> None:
    assert doctest.testmod(planner).failed == 0


def test_coalesces_100_changes_to_one_offer_into_one_push() -> None:
    changes = [_change("a", 100 - i, 7, sec=i) for i in range(100)]
    batches = plan(changes, max_batch=1000, zero_means_end=False)
    assert len(batches) == 1
    assert [(i.offer_id, i.quantity) for i in batches[0]] == [("a", 1)]


def test_coalescing_keeps_later_entry_on_equal_observation_time() -> None:
    kept = coalesce([_change("a", 1, 0), _change("a", 2, 0)])
    assert [c.desired for c in kept] == [2]


def test_never_resends_the_unchanged() -> None:
    assert plan([_change("a", 3, 3), _change("b", 0, 0)], max_batch=10, zero_means_end=False) == []


def test_never_sends_an_older_observation_after_a_newer_one() -> None:
    stale = _change("a", 9, 5, sec=10, pushed_observed_at=T0 + timedelta(seconds=20))
    fresh = _change("b", 9, 5, sec=30, pushed_observed_at=T0 + timedelta(seconds=20))
    batches = plan([stale, fresh], max_batch=10, zero_means_end=False)
    assert [i.offer_id for b in batches for i in b] == ["b"]


def test_sends_decreases_before_increases() -> None:
    rows = [
        _change("up1", 10, 1),
        _change("down1", 1, 10),
        _change("up2", 5, 4),
        _change("new", 3, None),
        _change("down2", 0, 2),
    ]
    batches = plan(rows, max_batch=2, zero_means_end=False)
    order = [i.offer_id for b in batches for i in b]
    assert order[:3] == ["down1", "down2", "new"] or set(order[:3]) == {"down1", "down2", "new"}
    assert set(order[3:]) == {"up1", "up2"}
    assert order[0] == "down1"  # the biggest drop goes first


@pytest.mark.parametrize("max_batch", [1, 7, 25, 1000])
def test_batch_sizes_respect_max_batch(max_batch: int) -> None:
    rows = [_change(f"o{i}", i % 5, 9) for i in range(103)]
    batches = plan(rows, max_batch=max_batch, zero_means_end=False)
    assert all(1 <= len(b) <= max_batch for b in batches)
    assert sum(len(b) for b in batches) == 103
    assert len(batches) == -(-103 // max_batch)


def test_zero_means_end_puts_endings_first_in_the_same_batches() -> None:
    rows = [_change("z1", 0, 4), _change("d", 1, 9), _change("z2", 0, 1), _change("u", 9, 1)]
    batches = plan(rows, max_batch=10, zero_means_end=True)
    # endings first (even before the bigger drop d), no batch of their own: no extra push
    assert [[i.offer_id for i in b] for b in batches] == [["z1", "z2", "d", "u"]]
    chunked = plan(rows, max_batch=3, zero_means_end=True)
    assert [[i.offer_id for i in b] for b in chunked] == [["z1", "z2", "d"], ["u"]]


def test_items_carry_previous_and_observation() -> None:
    (batch,) = plan(
        [_change("a", 2, 5, sec=3, reason="order 17")], max_batch=5, zero_means_end=False
    )
    (item,) = batch
    assert (item.previous, item.observed_at, item.reason) == (
        5,
        T0 + timedelta(seconds=3),
        "order 17",
    )


def test_rejects_nonpositive_batch_size() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        plan([], max_batch=0, zero_means_end=False)


_rows = st.lists(
    st.tuples(
        st.sampled_from("abcdefgh"),
        st.integers(0, 20),
        st.none() | st.integers(0, 20),
        st.integers(0, 100),
    ),
    max_size=60,
)


@given(_rows, st.integers(1, 6))
def test_property_each_offer_once_latest_value_decreases_first(rows, max_batch) -> None:
    changes = [_change(o, d, lp, sec=s) for o, d, lp, s in rows]
    batches = plan(changes, max_batch=max_batch, zero_means_end=False)
    items = [i for b in batches for i in b]
    assert len({i.offer_id for i in items}) == len(items)
    latest = {c.offer_id: c for c in coalesce(changes)}
    for item in items:
        assert item.quantity == latest[item.offer_id].desired != item.previous
    kinds = [i.previous is None or i.quantity < i.previous for i in items]
    assert kinds == sorted(kinds, reverse=True)
    assert all(len(b) <= max_batch for b in batches)
