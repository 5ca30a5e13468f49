"""Allegro's journal: duplicated, reordered and missed events, merged purchases — one order each."""

from __future__ import annotations

from typing import Any

from orders_harness import Shop
from sqlalchemy import func, select

from omnistock.channels.allegro.reads import latest_event_id
from omnistock.domain.ids import ChannelId
from omnistock.store.order_tables import order_cursors, orders


def _buy(shop: Shop, quantity: int, **extra: Any) -> str:
    lines = [{"offer_id": shop.offers["allegro"], "quantity": quantity}]
    placed = shop.admins["allegro"].post("/_sandbox/orders", json={"lines": lines, **extra})
    assert placed.status_code == 201, placed.text
    return str(placed.json()["id"])


def _orders(shop: Shop) -> dict[str, str]:
    with shop.engine.connect() as conn:
        rows = conn.execute(select(orders.c.external_id, orders.c.status))
        return {r.external_id: r.status for r in rows}


def test_duplicated_and_reordered_events_give_one_order_each(big_shop: Shop) -> None:
    shop = big_shop
    shop.admins["allegro"].put(
        "/_sandbox/faults", json={"duplicate_event_rate": 0.5, "reorder_events": True}
    ).raise_for_status()
    forms = [_buy(shop, 1, stage="BOUGHT") for _ in range(6)]
    for form in forms[:4]:
        shop.admins["allegro"].post(f"/_sandbox/orders/{form}/pay").raise_for_status()
    for form in forms[:2]:
        shop.admins["allegro"].post(f"/_sandbox/orders/{form}/cancel", json={}).raise_for_status()
    for _ in range(3):  # importing again (cursor kept) and from the start change nothing
        shop.import_orders("allegro")
    with shop.uow() as uow:
        uow.orders.set_cursor(ChannelId("allegro"), "events", "0", now=shop.clock.now())
        uow.commit()
    shop.import_orders("allegro")
    assert _orders(shop) == {
        **{f: "cancelled" for f in forms[:2]},
        **{f: "paid" for f in forms[2:4]},
        **{f: "new" for f in forms[4:]},
    }
    assert shop.reserved() == 4
    assert shop.desired()["woocommerce"] == 16


def test_missed_events_are_caught_by_the_checkout_form_cross_check(shop: Shop) -> None:
    form = _buy(shop, 2)
    newest = latest_event_id(shop.adapters["allegro"].api)  # type: ignore[attr-defined]
    with shop.uow() as uow:  # as if Allegro never emitted the events of this purchase
        uow.orders.set_cursor(ChannelId("allegro"), "events", str(newest), now=shop.clock.now())
        uow.commit()
    assert shop.import_orders("allegro", "events").seen == 0
    summary = shop.import_orders("allegro", "forms")
    assert (summary.created, _orders(shop)) == (1, {form: "paid"})
    assert shop.reserved() == 2
    assert shop.import_orders("allegro", "forms").created == 0  # the watermark moved on


def test_merged_purchases_keep_their_reservations_once(shop: Shop) -> None:
    buyer = {"login": "kupujacy_1"}
    first, second = (
        _buy(shop, 1, stage="BOUGHT", buyer=buyer),
        _buy(shop, 1, stage="BOUGHT", buyer=buyer),
    )
    shop.import_orders("allegro")
    assert shop.reserved() == 2
    merged = shop.admins["allegro"].post(
        "/_sandbox/orders/merge", json={"checkout_form_ids": [first, second]}
    )
    assert merged.status_code == 201, merged.text
    shop.import_orders("allegro")
    assert _orders(shop) == {first: "new", second: "new", merged.json()["id"]: "paid"}
    assert shop.reserved() == 2
    with shop.engine.connect() as conn:
        flagged = conn.execute(select(func.count()).where(orders.c.merged.is_(True))).scalar()
    assert flagged == 2
    assert shop.import_orders("allegro", "forms").created == 0  # old ids: gone, nothing new


def test_cursor_is_stored_with_the_orders_it_covers(shop: Shop) -> None:
    _buy(shop, 1)
    shop.import_orders("allegro")
    with shop.engine.connect() as conn:
        (cursor,) = conn.execute(
            select(order_cursors.c.cursor).where(order_cursors.c.feed == "events")
        ).one()
    newest = latest_event_id(shop.adapters["allegro"].api)  # type: ignore[attr-defined]
    assert cursor == str(newest)
