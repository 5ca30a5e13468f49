"""Repositories map rows to domain values and back without losing anything."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from db_helpers import T0, seed
from sqlalchemy import Engine

from omnistock.domain.errors import Duplicate
from omnistock.domain.ids import ChannelId, ChannelKind, Sku
from omnistock.domain.inventory import Reservation
from omnistock.domain.listing import Listing
from omnistock.domain.policy import Policy, PolicyRule, PolicyScope, Strategy, VelocityLimits
from omnistock.domain.product import Product, VatRate
from omnistock.store.unit_of_work import SqlUnitOfWork

ALLEGRO = ChannelId("allegro")


def test_product_round_trip_keeps_every_field(engine: Engine) -> None:
    product = Product(
        sku=Sku("KUB-1"),
        name="Kubek żółty",
        ean="5901234123457",
        vat=VatRate.NP_II,
        unit="kpl.",
        price_gross=Decimal("1234.50"),
        group="kuchnia",
    )
    with SqlUnitOfWork(engine) as uow:
        uow.products.add(product)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.products.get(Sku("KUB-1")) == product
        assert uow.products.get(Sku("NOPE")) is None
        assert uow.products.groups(None) == {"KUB-1": "kuchnia"}


def test_policy_round_trip_keeps_decimals_and_limits(engine: Engine) -> None:
    policy = Policy(
        strategy=Strategy.VELOCITY,
        shares={ALLEGRO: Decimal("33.35")},
        reserve=Decimal("12.5"),
        buffer=3,
        resume_margin=2,
        max_listed={ALLEGRO: 40},
        velocity=VelocityLimits(
            floor=Decimal("0.1"), ceiling=Decimal("0.7"), max_step=Decimal("0.05")
        ),
    )
    with SqlUnitOfWork(engine) as uow:
        uow.policies.set(PolicyRule(scope=PolicyScope.GROUP, key="g", policy=Policy()))
        uow.policies.set(PolicyRule(scope=PolicyScope.GROUP, key="g", policy=policy))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.policies.rules() == {(PolicyScope.GROUP, "g"): policy}


def test_uncommitted_work_is_rolled_back(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.products.add(Product(sku=Sku("A"), name="A"))
    with SqlUnitOfWork(engine) as uow:
        assert uow.products.list() == []


def test_listing_desired_and_observed_at_round_trip(engine: Engine) -> None:
    seed(engine, ["A"], {"allegro": ChannelKind.ALLEGRO})
    later = T0 + timedelta(hours=1)
    with SqlUnitOfWork(engine) as uow:
        uow.listings.add(Listing(channel=ALLEGRO, sku=Sku("A"), offer_id="123"))
        assert uow.listings.set_desired([(ALLEGRO, "123", 5)], observed_at=later) == 1
        assert uow.listings.set_desired([(ALLEGRO, "123", 5)], observed_at=later) == 0
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        (listing,) = uow.listings.list()
        assert (listing.desired, listing.observed_at, listing.dirty) == (5, later, True)
        assert uow.listings.desired([Sku("A")]) == {"A": {"allegro": ("123", 5)}}


def test_reservations_are_idempotent_per_order_line_and_close(engine: Engine) -> None:
    seed(engine, ["A", "B"])
    line = Reservation(sku=Sku("A"), quantity=2, order_ref="o-1")
    with SqlUnitOfWork(engine) as uow:
        assert uow.reservations.add([line], at=T0) == [line]
        assert uow.reservations.add([line], at=T0) == []
        uow.reservations.add([Reservation(sku=Sku("B"), quantity=1, order_ref="o-1")], at=T0)
        assert uow.reservations.close("o-1", at=T0) == ["A", "B"]
        assert uow.reservations.close("o-1", at=T0) == []
        assert uow.reservations.open_for(None) == []


def test_pause_state_is_kept_per_sku(engine: Engine) -> None:
    seed(engine, ["A", "B"])
    with SqlUnitOfWork(engine) as uow:
        uow.pauses.set({Sku("A"): True, Sku("B"): True}, at=T0)
        uow.pauses.set({Sku("B"): False}, at=T0)
        assert uow.pauses.paused(None) == {"A"}
        assert uow.pauses.paused([Sku("B")]) == set()


def test_duplicate_names_are_refused(engine: Engine) -> None:
    seed(engine, [], {"allegro": ChannelKind.ALLEGRO})
    with SqlUnitOfWork(engine) as uow, pytest.raises(Duplicate) as raised:
        uow.stock.add_warehouse(uow.stock.warehouses().pop())
    assert raised.value.field == "warehouse"
