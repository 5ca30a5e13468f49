"""Import rules on the store (SQLite and PostgreSQL) with an in-memory order feed.

One order per (channel, external id) however often and however concurrently it arrives;
unlinked offers are kept and flagged with an incident; malformed payloads are quarantined
(sealed) with an incident; shipment turns the reservation into one ledger decrease; kits
reserve their components; the cursor moves only with the orders it covers.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from orders_harness import make_sealer
from sqlalchemy import Engine, func, select

from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.incidents import IncidentKind
from omnistock.domain.orders import ObservedOrder, OrderLine, OrderStatus
from omnistock.domain.orders.feed import FeedEntry, FeedPage
from omnistock.domain.product import Product
from omnistock.service.catalog import add_channel, add_product, link_listing, set_bundle
from omnistock.service.clock import FixedClock
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import import_feed, list_orders, receive_order, show_order
from omnistock.service.stock import set_stock, show_stock
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import order_cursors, order_quarantine, orders
from omnistock.store.tables import stock_movements

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SHOP = ChannelId("sklep")
STATUSES = {"new": OrderStatus.NEW, "paid": OrderStatus.PAID, "shipped": OrderStatus.SHIPPED}
STATUSES |= {"cancelled": OrderStatus.CANCELLED}


class FakeFeed:
    """Pages of raw orders ``{"id", "status", "lines": [[line, offer, qty]], "at": minutes}``."""

    feeds = ("orders",)

    def __init__(self) -> None:
        self.pages: list[list[dict[str, Any]]] = []
        self.fail_after_fetch = False

    @property
    def channel(self) -> ChannelId:
        return SHOP

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        start = int(cursor or 0)
        if start >= len(self.pages):
            return FeedPage(entries=(), cursor=cursor)
        page = self.pages[start]
        entries = tuple(FeedEntry(external_id=str(o.get("id")), raw=o) for o in page)
        return FeedPage(
            entries=entries, cursor=str(start + 1), has_more=start + 1 < len(self.pages)
        )

    def fetch(self, external_id: str) -> Mapping[str, Any] | None:
        return None

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        return "0"

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        return ObservedOrder(
            channel=SHOP,
            external_id=str(raw["id"]),
            status=STATUSES[raw["status"]],
            channel_status=raw["status"],
            lines=tuple(OrderLine(line_id=i, offer_id=o, quantity=q) for i, o, q in raw["lines"]),
            updated_at=T0 + timedelta(minutes=raw.get("at", 0)),
        )


@pytest.fixture
def store(engine: Engine) -> Engine:
    now = T0
    uow = OrderUnitOfWork(engine)
    for sku in ("MUG", "TEA", "SET"):
        add_product(uow, Product(sku=Sku(sku), name=sku))
    set_bundle(uow, Sku("SET"), {Sku("MUG"): 2, Sku("TEA"): 1}, now=now)
    for sku in ("MUG", "TEA"):
        set_stock(uow, Sku(sku), 10, warehouse=WarehouseId("main"), actor="t", now=now)
    add_channel(uow, SHOP, "woocommerce", now=now)
    link_listing(uow, Sku("MUG"), SHOP, "101", now=now)
    add_channel(uow, "allegro", "allegro", now=now)
    link_listing(uow, Sku("SET"), ChannelId("allegro"), "777", now=now)
    return engine


def _import(engine: Engine, feed: FakeFeed) -> Any:
    return import_feed(
        lambda: OrderUnitOfWork(engine),
        feed,
        "orders",
        sealer=make_sealer(),
        contacts=ContactPolicy(),
        clock=FixedClock(T0),
    )


def _numbers(engine: Engine, sku: str) -> tuple[int, int]:
    view = show_stock(OrderUnitOfWork(engine), Sku(sku))
    return view.on_hand, view.reserved


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_same_order_many_times_is_one_order_and_one_reservation(store: Engine) -> None:
    feed = FakeFeed()
    order = {"id": "A1", "status": "paid", "lines": [["1", "101", 3]]}
    feed.pages = [[order, order], [order]]
    _import(store, feed)
    with OrderUnitOfWork(store) as uow:
        uow.orders.set_cursor(SHOP, "orders", "0", now=T0)
        uow.commit()
    _import(store, feed)
    assert _count(store, orders) == 1
    assert _numbers(store, "MUG") == (10, 3)


def test_shipment_becomes_one_ledger_decrease(store: Engine) -> None:
    feed = FakeFeed()
    feed.pages = [
        [{"id": "A1", "status": "paid", "lines": [["1", "101", 3]]}],
        [{"id": "A1", "status": "shipped", "lines": [["1", "101", 3]], "at": 5}],
        [{"id": "A1", "status": "paid", "lines": [["1", "101", 3]], "at": 1}],  # late, stale
        [{"id": "A1", "status": "shipped", "lines": [["1", "101", 3]], "at": 6}],
    ]
    _import(store, feed)
    assert _numbers(store, "MUG") == (7, 0)
    with store.connect() as conn:
        keys = conn.execute(
            select(stock_movements.c.idempotency_key).where(stock_movements.c.quantity < 0)
        ).all()
    assert [k for (k,) in keys] == ["ship:o:sklep:1:MUG@main"]
    (view,) = list_orders(OrderUnitOfWork(store))
    assert view["status"] == "shipped"


def test_cancellation_releases_and_kits_reserve_components(store: Engine) -> None:
    feed = FakeFeed()
    kit = {"id": "K1", "status": "new", "lines": [["k1", "777", 2]]}
    feed.pages = [[kit]]
    summary = import_feed(
        lambda: OrderUnitOfWork(store),
        _allegro(feed),
        "orders",
        sealer=make_sealer(),
        contacts=ContactPolicy(),
        clock=FixedClock(T0),
    )
    assert summary.created == 1
    assert (_numbers(store, "MUG"), _numbers(store, "TEA")) == ((10, 4), (10, 2))
    feed.pages.append([{**kit, "status": "cancelled", "at": 2}])
    _import_allegro(store, feed)
    assert (_numbers(store, "MUG"), _numbers(store, "TEA")) == ((10, 0), (10, 0))


class _AllegroFake(FakeFeed):
    @property
    def channel(self) -> ChannelId:
        return ChannelId("allegro")

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        import dataclasses

        return dataclasses.replace(super().parse(raw), channel=ChannelId("allegro"))


def _allegro(feed: FakeFeed) -> _AllegroFake:
    fake = _AllegroFake()
    fake.pages = feed.pages
    return fake


def _import_allegro(engine: Engine, feed: FakeFeed) -> Any:
    return import_feed(
        lambda: OrderUnitOfWork(engine),
        _allegro(feed),
        "orders",
        sealer=make_sealer(),
        contacts=ContactPolicy(),
        clock=FixedClock(T0),
    )


def test_unlinked_offer_is_kept_flagged_and_raises_one_incident(store: Engine) -> None:
    feed = FakeFeed()
    feed.pages = [[{"id": "U1", "status": "paid", "lines": [["1", "999", 1], ["2", "101", 1]]}]]
    assert _import(store, feed).unlinked == 1
    _import(store, feed)  # again: still one incident
    (view,) = list_orders(OrderUnitOfWork(store))
    assert view["unlinked"] is True
    assert [ln["sku"] for ln in view["lines"]] == [None, "MUG"]
    assert _numbers(store, "MUG") == (10, 1)
    with OrderUnitOfWork(store) as uow:
        incidents = uow.orders.incidents(IncidentKind.UNLINKED_ORDER)
    assert [(i.subject, i.channel, i.count) for i in incidents] == [("offer 999", "sklep", 1)]


def test_malformed_payload_is_quarantined_sealed_and_the_page_goes_on(store: Engine) -> None:
    feed = FakeFeed()
    bad = {"id": "B1", "status": "teleported", "lines": [], "buyer": "Zofia Wiśniewska"}
    feed.pages = [[bad, {"id": "G1", "status": "paid", "lines": [["1", "101", 1]]}]]
    summary = _import(store, feed)
    assert (summary.quarantined, summary.created) == (1, 1)
    with store.connect() as conn:
        (row,) = conn.execute(select(order_quarantine)).all()
        cursor = conn.execute(select(order_cursors.c.cursor)).scalar()
    assert row.external_id == "B1"
    assert "KeyError" in row.reason
    assert row.payload.startswith("v1:t1:")
    assert "Wiśniewska" not in row.payload
    assert cursor == "1"
    with OrderUnitOfWork(store) as uow:
        assert [i.kind for i in uow.orders.incidents()] == [IncidentKind.FEED_REJECTED]


def test_a_failure_before_commit_keeps_the_cursor(store: Engine) -> None:
    class Broken(FakeFeed):
        def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
            if raw["id"] == "X2":
                raise RuntimeError("crash while applying")
            return super().parse(raw)

    feed = Broken()
    feed.pages = [[{"id": "X1", "status": "paid", "lines": [["1", "101", 1]]}, {"id": "X2"}]]
    with pytest.raises(RuntimeError):
        _import(store, feed)
    assert _count(store, orders) == 0
    assert _count(store, order_cursors) == 0
    assert _numbers(store, "MUG") == (10, 0)


def test_concurrent_imports_of_one_order_give_one_order(store: Engine) -> None:
    feeds = [FakeFeed() for _ in range(4)]
    for feed in feeds:
        feed.pages = [[{"id": "C1", "status": "paid", "lines": [["1", "101", 2]]}]]
    errors: list[BaseException] = []

    def run(feed: FakeFeed) -> None:
        try:
            receive_order(
                lambda: OrderUnitOfWork(store),
                feed,
                feed.pages[0][0],
                sealer=make_sealer(),
                contacts=ContactPolicy(),
                clock=FixedClock(T0),
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in feeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not [e for e in errors if "locked" not in str(e)]
    assert _count(store, orders) == 1
    assert _numbers(store, "MUG") == (10, 2)


def test_show_order_without_personal_data_by_default(store: Engine) -> None:
    feed = FakeFeed()
    feed.pages = [[{"id": "S1", "status": "new", "lines": [["1", "101", 1]]}]]
    _import(store, feed)
    (view,) = list_orders(OrderUnitOfWork(store))
    shown = show_order(OrderUnitOfWork(store), view["id"])
    assert "personal" not in shown
    assert shown["external_id"] == "S1"


def test_first_import_takes_already_shipped_orders_as_history(store: Engine) -> None:
    feed = FakeFeed()
    feed.pages = [[{"id": "H1", "status": "shipped", "lines": [["1", "101", 2]]}]]
    _import(store, feed)  # no cursor yet: reading the channel's past
    assert _numbers(store, "MUG") == (10, 0)
    feed.pages.append([{"id": "H2", "status": "shipped", "lines": [["2", "101", 3]]}])
    _import(store, feed)  # from the cursor on: shipped at first sight is a real sale
    assert _numbers(store, "MUG") == (7, 0)
    assert [o["status"] for o in list_orders(OrderUnitOfWork(store))] == ["shipped", "shipped"]
