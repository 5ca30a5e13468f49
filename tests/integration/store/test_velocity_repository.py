"""Sales for the velocity strategy: one grouped read per SKU, channel account and hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from db_helpers import seed
from sqlalchemy import Engine, insert

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.velocity import Sale
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.unit_of_work import SqlUnitOfWork

T = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)


def _orders(engine: Engine, rows: list[tuple[str, str, int, datetime, str | None]]) -> None:
    with engine.begin() as conn:
        for n, (channel, sku, units, at, status) in enumerate(rows, start=1):
            conn.execute(
                insert(orders).values(
                    id=n,
                    channel=channel,
                    external_id=f"o{n}",
                    status=status,
                    first_seen_at=at,
                    last_seen_at=at,
                )
            )
            conn.execute(
                insert(order_lines).values(
                    order_id=n, line_id="1", offer_id="x", sku=sku, quantity=units
                )
            )


def test_recent_sales_are_summed_per_sku_channel_and_hour(engine: Engine) -> None:
    seed(engine, ["A", "B"])
    _orders(
        engine,
        [
            ("allegro", "A", 2, T, None),
            ("allegro", "A", 3, T + timedelta(minutes=50), None),  # same hour: summed
            ("allegro", "A", 1, T + timedelta(hours=1), "paid"),  # next hour
            ("shop", "A", 4, T, None),  # other channel
            ("shop", "A", 9, T, "cancelled"),  # left out
            ("shop", "A", 9, T, "returned"),  # left out
            ("shop", "A", 7, T - timedelta(days=2), None),  # before ``since``
            ("shop", "B", 1, T, None),  # other SKU, not asked for
        ],
    )
    with SqlUnitOfWork(engine) as uow:
        got = uow.velocity.recent_sales([Sku("A")], since=T - timedelta(days=1))
        every = uow.velocity.recent_sales(None, since=T - timedelta(days=1))
    half_past = T.replace(minute=30)
    assert sorted(got[Sku("A")], key=lambda s: (s.channel, s.at)) == [
        Sale(channel=ChannelId("allegro"), quantity=5, at=half_past),
        Sale(channel=ChannelId("allegro"), quantity=1, at=half_past + timedelta(hours=1)),
        Sale(channel=ChannelId("shop"), quantity=4, at=half_past),
    ]
    assert set(got) == {Sku("A")}
    assert set(every) == {Sku("A"), Sku("B")}


def test_shares_round_trip(engine: Engine) -> None:
    seed(engine, ["A"])
    shares = {ChannelId("allegro"): Decimal("0.700000"), ChannelId("shop"): Decimal("0.3")}
    with SqlUnitOfWork(engine) as uow:
        uow.velocity.set_shares({Sku("A"): shares}, at=T)
        uow.velocity.set_shares({Sku("A"): {ChannelId("shop"): Decimal("0.25")}}, at=T)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.velocity.shares([Sku("A")]) == {
            Sku("A"): {ChannelId("allegro"): Decimal("0.7"), ChannelId("shop"): Decimal("0.25")}
        }
        assert uow.velocity.shares(None) == uow.velocity.shares([Sku("A")])
