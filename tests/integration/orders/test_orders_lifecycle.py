"""Order lifecycles through the WooCommerce and Amazon sandboxes: ship, cancel, webhook."""

from __future__ import annotations

import json

from orders_harness import SKU, Shop

from omnistock.channels.woocommerce.webhook import WebhookVerdict, sign, verify_webhook
from omnistock.service.orders import list_orders, receive_order
from omnistock.service.stock import show_stock


def _numbers(shop: Shop) -> tuple[int, int]:
    view = show_stock(shop.uow(), SKU)
    return view.on_hand, view.reserved


def test_amazon_order_reserves_then_shipment_takes_it_off_hand(shop: Shop) -> None:
    admin = shop.admins["amazon"]
    made = admin.post("/_sandbox/orders", json={"items": [{"sku": "AMZ-KUBEK-1", "quantity": 2}]})
    assert made.status_code == 201, made.text
    order_id = made.json()["orderId"]
    assert shop.import_orders("amazon").created == 1
    assert _numbers(shop) == (3, 2)
    shop.advance(60)
    admin.post(f"/_sandbox/orders/{order_id}/ship").raise_for_status()
    shop.advance(60)
    assert shop.import_orders("amazon").changed == 1
    assert _numbers(shop) == (1, 0)
    shop.advance(60)
    shop.import_orders("amazon")  # again: nothing more is taken off
    assert _numbers(shop) == (1, 0)
    shop.sync_until({"allegro": 1, "woocommerce": 1, "amazon": 1, "meta": 1})


def test_amazon_cancellation_is_seen_and_releases(shop: Shop) -> None:
    admin = shop.admins["amazon"]
    made = admin.post("/_sandbox/orders", json={"items": [{"sku": "AMZ-KUBEK-1", "quantity": 1}]})
    order_id = made.json()["orderId"]
    shop.import_orders("amazon")
    assert _numbers(shop) == (3, 1)
    shop.advance(60)
    admin.post(f"/_sandbox/orders/{order_id}/cancel", json={}).raise_for_status()
    shop.advance(60)
    shop.import_orders("amazon")
    assert [o["status"] for o in list_orders(shop.uow())] == ["cancelled"]
    assert _numbers(shop) == (3, 0)


def test_woocommerce_completed_order_ships_and_a_verified_webhook_is_applied_once(
    shop: Shop,
) -> None:
    admin = shop.admins["woocommerce"]
    made = admin.post("/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 1}]})
    assert made.status_code == 201, made.text
    body = json.dumps(made.json()).encode()
    headers = {"X-WC-Webhook-Signature": sign(body, "hook-secret"), "X-WC-Webhook-Topic": "x"}
    assert verify_webhook(headers, body, "hook-secret") is WebhookVerdict.VALID
    assert verify_webhook(headers, body, "other-secret") is WebhookVerdict.INVALID
    for _ in range(2):
        receive_order(
            shop.uow,
            shop.feeds["woocommerce"],
            json.loads(body),
            sealer=shop.sealer,
            contacts=shop.contacts,
            clock=shop.clock,
        )
    assert shop.import_orders("woocommerce").created == 0  # polling finds the same order
    assert _numbers(shop) == (3, 1)
    shop.advance(5)
    order_id = made.json()["id"]
    admin.post(
        f"/_sandbox/orders/{order_id}/status", json={"status": "completed"}
    ).raise_for_status()
    shop.import_orders("woocommerce")
    assert _numbers(shop) == (2, 0)
    assert len(list_orders(shop.uow())) == 1
