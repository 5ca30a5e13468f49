"""The velocity strategy fed by imported orders: a channel selling faster gets more, within the
policy's floor, ceiling and maximum step per rebalance."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from service_helpers import T0, Uow, desired
from sqlalchemy import insert

from omnistock.domain.ids import DEFAULT_WAREHOUSE, Sku
from omnistock.domain.policy import Policy, PolicyScope, Strategy, VelocityLimits
from omnistock.service import allocation, policies, stock
from omnistock.store.order_tables import order_lines, orders

NOW = T0 + timedelta(days=30)
LIMITS = VelocityLimits(
    floor=Decimal("0.10"),
    ceiling=Decimal("0.80"),
    max_step=Decimal("0.20"),
    half_life_days=Decimal(7),
)
_ids = count(1)


def _sell(uow: Uow, channel: str, sku: str, units: int, at: datetime, status: str | None) -> None:
    n = next(_ids)
    with uow() as u:
        order_id = u.connection.execute(
            insert(orders)
            .values(
                channel=channel,
                external_id=f"o-{n}",
                status=status,
                first_seen_at=at,
                last_seen_at=at,
            )
            .returning(orders.c.id)
        ).scalar_one()
        u.connection.execute(
            insert(order_lines).values(
                order_id=order_id, line_id="1", offer_id=f"{channel}-{sku}", sku=sku, quantity=units
            )
        )
        u.commit()


def _split(uow: Uow, sku: str) -> tuple[int | None, int | None]:
    got = desired(uow)
    return got[("allegro", sku)], got[("shop", sku)]


def _velocity_shop(shop: Uow) -> None:
    policy = Policy(strategy=Strategy.VELOCITY, velocity=LIMITS)
    policies.set_policy(shop(), PolicyScope.GLOBAL, "", policy, now=T0)
    for sku in ("A", "B"):
        stock.set_stock(shop(), Sku(sku), 100, warehouse=DEFAULT_WAREHOUSE, actor="t", now=T0)


def test_the_faster_channel_gets_more_step_by_step_up_to_the_ceiling(shop: Uow) -> None:
    _velocity_shop(shop)
    assert _split(shop, "A") == (50, 50)  # no sales yet: an even split
    for day in range(9):  # allegro sells 9 units of A in the last days, the shop 1
        _sell(shop, "allegro", "A", 1, NOW - timedelta(days=day, hours=3), None)
    _sell(shop, "shop", "A", 1, NOW - timedelta(days=2), None)
    _sell(shop, "shop", "A", 50, NOW - timedelta(days=1), "cancelled")  # left out
    _sell(shop, "shop", "A", 50, NOW - timedelta(days=200), None)  # outside the window

    allocation.recompute(shop(), [Sku("A")], now=NOW)
    assert _split(shop, "A") == (70, 30)  # one step of 20 points toward ~90/10
    allocation.recompute(shop(), None, now=NOW + timedelta(hours=1))  # a full recompute
    # allegro stops at the ceiling; the shop reaches its part of the sales (~11 %) within a
    # step; the rest is not shown anywhere
    assert _split(shop, "A") == (80, 11)
    allocation.recompute(shop(), [Sku("A")], now=NOW + timedelta(hours=2))
    assert _split(shop, "A") == (80, 11)
    assert _split(shop, "B") == (50, 50)  # no sales of B: still even

    view = stock.show_stock(shop(), Sku("A"))
    assert dict(view.allocation) == {"allegro": 80, "shop": 11}  # the stored shares
    lines = allocation.explain(shop(), Sku("A")).to_dict()["channels"]
    assert lines["allegro"]["share_pct"] == "80"  # type: ignore[index]


def test_a_channel_without_sales_keeps_the_floor(shop: Uow) -> None:
    _velocity_shop(shop)
    for _ in range(3):
        _sell(shop, "allegro", "B", 5, NOW - timedelta(hours=5), None)
    allocation.recompute(shop(), [Sku("B")], now=NOW)
    assert _split(shop, "B") == (70, 30)  # one step from the even split
    for step in range(1, 4):
        allocation.recompute(shop(), [Sku("B")], now=NOW + timedelta(minutes=step))
        assert _split(shop, "B") == (80, 10)  # the ceiling, and the shop's floor of 10 %
