"""Policies and allocation through the store: scopes, hysteresis, reservations, explain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from service_helpers import T0, Uow, desired
from sqlalchemy import update

from omnistock.domain.errors import InvalidValue, UnknownChannel, UnknownSku
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, Sku
from omnistock.domain.policy import Policy, PolicyScope, Strategy
from omnistock.service import allocation, policies, reservations, stock
from omnistock.store.tables import listings

GLOBAL, GROUP, SKU = PolicyScope.GLOBAL, PolicyScope.GROUP, PolicyScope.SKU
ALLEGRO, SHOP = ChannelId("allegro"), ChannelId("shop")


def _stock(uow: Uow, **counts: int) -> None:
    rows = "".join(f"{sku},main,{qty}\n" for sku, qty in counts.items())
    stock.import_stock(uow(), "sku,warehouse,on_hand\n" + rows, source="f", actor="t", now=T0)


def _adjust(uow: Uow, sku: str, delta: int) -> None:
    stock.adjust_stock(uow(), Sku(sku), delta, warehouse=DEFAULT_WAREHOUSE, actor="t", now=T0)


def _pct(allegro: int, shop: int, **extra: int) -> Policy:
    shares = {ALLEGRO: Decimal(allegro), SHOP: Decimal(shop)}
    return Policy(strategy=Strategy.PERCENTAGE, shares=shares, **extra)  # type: ignore[arg-type]


def test_policy_scopes_recompute_what_they_govern(shop: Uow) -> None:
    _stock(shop, A=10, B=10, C=10)
    policies.set_policy(shop(), GROUP, "kuchnia", _pct(60, 40), now=T0)
    got = desired(shop)
    assert (got[("allegro", "A")], got[("shop", "A")]) == (6, 4)
    assert (got[("allegro", "B")], got[("shop", "B")]) == (6, 4)
    assert (got[("allegro", "C")], got[("shop", "C")]) == (10, 10)  # not in the group
    policies.set_policy(shop(), SKU, "A", _pct(100, 0), now=T0)
    assert (desired(shop)[("allegro", "A")], desired(shop)[("shop", "A")]) == (10, 0)
    policies.set_policy(shop(), GLOBAL, "", _pct(50, 50), now=T0)
    assert desired(shop)[("allegro", "C")] == 5
    rules = policies.get_policies(shop())
    assert [(r.scope, r.key) for r in rules] == [(GLOBAL, ""), (GROUP, "kuchnia"), (SKU, "A")]
    assert rules[1].policy == _pct(60, 40)  # the stored policy reads back equal


@pytest.mark.parametrize(
    ("scope", "key", "policy", "error", "field"),
    [
        (SKU, "NOPE", Policy(), UnknownSku, "sku"),  # no such SKU
        (GLOBAL, "x", Policy(), InvalidValue, "key"),  # the global policy has no key
        (GROUP, " ", Policy(), InvalidValue, "group"),  # a group needs a name
        (  # a share of a channel account that does not exist
            GLOBAL,
            "",
            Policy(strategy=Strategy.PERCENTAGE, shares={ChannelId("ebay"): Decimal(10)}),
            UnknownChannel,
            "share",
        ),
        (GLOBAL, "", Policy(max_listed={ChannelId("ebay"): 1}), UnknownChannel, "max_listed"),
    ],
)
def test_bad_policies_are_refused_and_nothing_is_written(
    shop: Uow, scope: PolicyScope, key: str, policy: Policy, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        policies.set_policy(shop(), scope, key, policy, now=T0)
    assert getattr(raised.value, "field", None) == field
    assert policies.get_policies(shop()) == []


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: _pct(70, 40), "share"),  # shares above 100 %
        (lambda: Policy(buffer=-1), "buffer"),  # negative buffer
    ],
)
def test_invalid_policy_values_name_the_field(build: object, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        build()  # type: ignore[operator]
    assert raised.value.field == field


def test_buffer_pauses_with_hysteresis_and_the_state_is_kept(shop: Uow) -> None:
    _stock(shop, A=10)
    policies.set_policy(shop(), SKU, "A", Policy(buffer=5, resume_margin=3), now=T0)
    assert desired(shop)[("allegro", "A")] == 5
    steps = [(-5, True, 0), (2, True, 0), (1, False, 3)]  # 5: paused, 7: still, 8: resumes
    for delta, paused, shown in steps:
        _adjust(shop, "A", delta)
        view = stock.show_stock(shop(), Sku("A"))
        assert (view.paused, desired(shop)[("allegro", "A")]) == (paused, shown)


def test_reservations_reduce_what_channels_see(shop: Uow) -> None:
    _stock(shop, A=10)
    reservations.reserve(shop(), Sku("A"), 3, "order-1", now=T0)
    reservations.reserve(shop(), Sku("A"), 3, "order-1", now=T0)  # same line again: no change
    assert desired(shop)[("shop", "A")] == 7
    assert stock.show_stock(shop(), Sku("A")).reserved == 3
    reservations.release(shop(), "order-1", now=T0)
    assert desired(shop)[("shop", "A")] == 10


def test_a_kit_order_reserves_its_components(shop: Uow) -> None:
    from omnistock.service import catalog

    catalog.set_bundle(shop(), Sku("D"), {Sku("A"): 2}, now=T0)
    _stock(shop, A=10, B=1)
    reservations.reserve(shop(), Sku("D"), 2, "order-2", now=T0)
    assert stock.show_stock(shop(), Sku("A")).reserved == 4
    assert stock.show_stock(shop(), Sku("D")).available == 3  # (10 - 4) // 2


def test_changes_recompute_only_touched_skus_and_full_recompute_fixes_all(shop: Uow) -> None:
    _stock(shop, A=4, B=4)
    with shop() as u:  # simulate a listing that drifted (e.g. an older version's bug)
        u.connection.execute(update(listings).where(listings.c.sku == "B").values(desired=99))
        u.commit()
    _adjust(shop, "A", 1)
    assert desired(shop)[("allegro", "B")] == 99  # untouched SKU not rewritten
    changed = allocation.recompute(shop(), None, now=T0)
    assert changed == 2
    assert desired(shop)[("allegro", "B")] == 4
    assert allocation.recompute(shop(), None, now=T0) == 0  # nothing left to change


def test_explain_uses_the_same_numbers(shop: Uow) -> None:
    _stock(shop, A=9)
    policies.set_policy(shop(), SKU, "A", _pct(60, 30, buffer=1), now=T0)
    explained = allocation.explain(shop(), Sku("A")).to_dict()
    view = stock.show_stock(shop(), Sku("A")).to_dict()
    assert (explained["sellable"], explained["strategy"]) == (8, "percentage")
    assert explained["allocation"] == view["allocation"]
    shown = desired(shop)
    assert view["allocation"] == {"allegro": shown[("allegro", "A")], "shop": shown[("shop", "A")]}
    assert sum(view["allocation"].values()) <= 8  # type: ignore[attr-defined]
    with pytest.raises(UnknownSku):
        allocation.explain(shop(), Sku("NOPE"))
