"""Bundles: what an order line reserves, and kits never sell more components than exist."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.bundles import (
    Bundle,
    component_needs,
    flat_components,
    kit_available,
    reservations_for_line,
)
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.inventory import BundleComponent, Reservation, bundle_available

X, Y, Z, KIT, BOX = (Sku(s) for s in ("X", "Y", "Z", "KIT", "BOX"))


def comp(sku: Sku, quantity: int) -> BundleComponent:
    return BundleComponent(sku=sku, quantity=quantity)


BUNDLES = {
    KIT: Bundle(sku=KIT, components=[comp(X, 2), comp(Y, 1)]),
    BOX: Bundle(sku=BOX, components=[comp(KIT, 3), comp(Z, 1), comp(X, 1)]),
}


@pytest.mark.parametrize(
    ("sku", "quantity", "expected"),
    [
        # a plain SKU reserves itself
        (X, 2, {X: 2}),
        # a kit reserves its components times the quantity
        (KIT, 2, {X: 4, Y: 2}),
        # a nested kit: 3 KIT + 1 Z + 1 X per BOX, X added up (3·2 + 1)
        (BOX, 1, {X: 7, Y: 3, Z: 1}),
    ],
)
def test_reservations_for_line_table(sku: Sku, quantity: int, expected: dict[Sku, int]) -> None:
    result = reservations_for_line(sku, quantity, "order-1", BUNDLES)
    assert {r.sku: r.quantity for r in result} == expected
    assert {r.order_ref for r in result} == {"order-1"}


@pytest.mark.parametrize(
    ("components", "field"),
    [
        ([], "components"),  # a kit of nothing
        ([comp(X, 1), comp(X, 2)], "components"),  # a component twice
        ([comp(KIT, 1)], "components"),  # the kit inside itself
    ],
)
def test_bundle_rejects_bad_definitions(components: list[BundleComponent], field: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        Bundle(sku=KIT, components=components)
    assert exc.value.field == field


def test_cycle_between_bundles_is_rejected() -> None:
    cyclic = {
        KIT: Bundle(sku=KIT, components=[comp(BOX, 1)]),
        BOX: Bundle(sku=BOX, components=[comp(KIT, 1)]),
    }
    with pytest.raises(InvalidValue, match="nested too deep"):
        component_needs(KIT, 1, cyclic)


def test_non_positive_line_quantity_is_rejected() -> None:
    with pytest.raises(InvalidValue) as exc:
        reservations_for_line(KIT, 0, "o", BUNDLES)
    assert exc.value.field == "quantity"


def availability(sku: Sku, on_hand: dict[Sku, int], reserved: list[Reservation]) -> int:
    """Units of ``sku`` sellable now, as the domain computes them."""
    free = {s: q - sum(r.quantity for r in reserved if r.sku == s) for s, q in on_hand.items()}
    return kit_available(sku, BUNDLES, free)


def test_nested_kits_count_a_shared_component_once() -> None:
    # BOX = 3 KIT (2 X each) + 1 X + 1 Z = 7 X; per direct component 4 would look possible
    stock = {X: 24, Y: 12, Z: 4}
    assert kit_available(BOX, BUNDLES, stock) == 3
    assert flat_components(BOX, BUNDLES) == [comp(X, 7), comp(Y, 3), comp(Z, 1)]


@settings(deadline=None)
@given(
    stock=st.fixed_dictionaries({s: st.integers(0, 30) for s in (X, Y, Z)}),
    orders=st.lists(
        st.tuples(st.sampled_from([X, Y, Z, KIT, BOX]), st.integers(1, 4)), max_size=40
    ),
)
def test_kits_never_sell_more_components_than_exist(
    stock: dict[Sku, int], orders: list[tuple[Sku, int]]
) -> None:
    """Sell whatever is shown as available, in any order: components never go below zero."""
    reserved: list[Reservation] = []
    for sku, quantity in orders:
        if availability(sku, stock, reserved) >= quantity:
            reserved += reservations_for_line(sku, quantity, "o", BUNDLES)
        for component in (X, Y, Z):
            assert sum(r.quantity for r in reserved if r.sku == component) <= stock[component]
    assert all(r.sku in (X, Y, Z) for r in reserved)  # kits themselves are never reserved


@settings(deadline=None)
@given(parts=st.lists(st.tuples(st.integers(1, 5), st.integers(0, 50)), min_size=1, max_size=4))
def test_bundle_available_is_the_most_that_can_be_built(parts: list[tuple[int, int]]) -> None:
    components = [comp(Sku(f"c{i}"), per) for i, (per, _) in enumerate(parts)]
    stock = {Sku(f"c{i}"): avail for i, (_, avail) in enumerate(parts)}
    kits = bundle_available(components, stock)
    assert all(kits * c.quantity <= stock[c.sku] for c in components)
    assert any((kits + 1) * c.quantity > stock[c.sku] for c in components)
