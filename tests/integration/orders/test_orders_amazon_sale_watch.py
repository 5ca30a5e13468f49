"""Amazon's slow order feed: a sale of the last units is imported at once (the sale watch reads
the listing over real HTTP), so the other channels drop long before the next searchOrders poll."""

from __future__ import annotations

from datetime import timedelta

from orders_harness import Shop

from omnistock.channels.amazon.order_details import SEARCH_ORDERS_PLAN
from omnistock.service.order_polling import OrderPolling, PolledFeed
from omnistock.service.orders_signals import SaleWatch

EVERY_S = 180.0  # DEFAULT_POLL_S["amazon"]


def _polling(shop: Shop, *, watch: bool) -> OrderPolling:
    probe = shop.adapters["amazon"].read_quantities
    amazon = PolledFeed(
        feed=shop.feeds["amazon"],
        every_s=EVERY_S,
        watch=SaleWatch(probe=probe, every_s=10) if watch else None,
        quota=SEARCH_ORDERS_PLAN,
    )
    return OrderPolling(
        {"amazon": amazon}, uow_factory=shop.uow, sealer=shop.sealer, contacts=shop.contacts,
        clock=shop.clock,
    )  # fmt: skip


def _buy_all_on_amazon(shop: Shop) -> None:
    body = {"items": [{"sku": shop.offers["amazon"], "quantity": 3}]}
    shop.admins["amazon"].post("/_sandbox/orders", json=body).raise_for_status()


def test_last_units_sold_on_amazon_drop_everywhere_before_the_next_order_poll(
    shop: Shop,
) -> None:
    shop.sync_until({"allegro": 3, "woocommerce": 3, "amazon": 3, "meta": 3})
    polling = _polling(shop, watch=True)
    polling(shop.clock.now())  # the regular poll: nothing yet; the next one in 180 s
    sold_at = shop.clock.now()
    _buy_all_on_amazon(shop)
    shop.advance(10)
    polling(shop.clock.now())
    assert polling.early_polls == {"amazon": 1}
    assert shop.reserved() == 3
    shop.sync_until({"allegro": 0, "woocommerce": 0, "amazon": 0, "meta": 0})
    assert shop.allegro_status() == "ENDED"
    assert shop.clock.now() - sold_at < timedelta(seconds=EVERY_S)
    shop.advance(10)
    polling(shop.clock.now())  # imported: no drop left, no further early poll
    assert polling.early_polls == {"amazon": 1}


def test_without_the_watch_the_sale_waits_for_the_regular_poll(shop: Shop) -> None:
    shop.sync_until({"allegro": 3, "woocommerce": 3, "amazon": 3, "meta": 3})
    polling = _polling(shop, watch=False)
    polling(shop.clock.now())
    _buy_all_on_amazon(shop)
    for _ in range(17):  # 170 s: the other channels still offer the units Amazon sold
        shop.advance(10)
        polling(shop.clock.now())
    assert shop.reserved() == 0
    shop.advance(10)
    polling(shop.clock.now())
    assert shop.reserved() == 3
