"""A sale on one channel updates every other channel; cancellation restores everywhere."""

from __future__ import annotations

from orders_harness import Shop


def test_sale_on_allegro_updates_the_others_and_last_unit_ends_the_offer(shop: Shop) -> None:
    shop.sync_until({"allegro": 3, "woocommerce": 3, "amazon": 3, "meta": 3})
    placed = shop.admins["allegro"].post(
        "/_sandbox/orders", json={"lines": [{"offer_id": shop.offers["allegro"], "quantity": 1}]}
    )
    assert placed.status_code == 201, placed.text
    summary = shop.import_orders("allegro")
    assert (summary.created, summary.quarantined) == (1, 0)
    shop.sync_until({"allegro": 2, "woocommerce": 2, "amazon": 2, "meta": 2})

    shop.admins["woocommerce"].post(
        "/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 2}]}
    ).raise_for_status()
    assert shop.import_orders("woocommerce").created == 1
    shop.sync_until({"allegro": 0, "woocommerce": 0, "amazon": 0, "meta": 0})
    assert shop.allegro_status() == "ENDED"

    form = placed.json()["id"]
    shop.admins["allegro"].post(f"/_sandbox/orders/{form}/cancel", json={}).raise_for_status()
    assert shop.import_orders("allegro").changed == 1
    shop.sync_until({"allegro": 1, "woocommerce": 1, "amazon": 1, "meta": 1})
    assert shop.allegro_status() == "ACTIVE"
    assert shop.reserved() == 2
