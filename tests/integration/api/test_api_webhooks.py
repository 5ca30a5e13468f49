"""WooCommerce webhooks over real HTTP: the shop sandbox delivers to the API served on loopback.

The activation ping is answered 200; an order placed on the shop arrives signed and becomes one
order (stock reserved); a wrong signature is 401 and stores nothing; a signed body that is not
an order is kept in the quarantine (nothing lost).
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
import pytest

from omnistock.bootstrap import App, bootstrap, channel_adapters
from omnistock.channels.woocommerce.webhook import sign
from omnistock.config import Settings
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service import catalog, stock
from omnistock.service.orders import list_orders
from omnistock.store.order_repository import OrderUnitOfWork

SECRET = "omnistock-shop"
HOOK_SECRET = "hook-secret-123"
SKU = Sku("KUBEK-1")


def _wait(check: Callable[[], Any], deadline_s: float = 20) -> Any:
    end = time.monotonic() + deadline_s
    while not (found := check()):
        assert time.monotonic() < end, "condition not met before the deadline"
        threading.Event().wait(0.05)
    return found


@pytest.fixture
def served(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("OMNISTOCK_PRIVACY_KEYS", "k1:" + base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("OMNISTOCK_PRIVACY_HASH_KEY", base64.b64encode(os.urandom(32)).decode())
    woo_app = create_woo(SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET))
    woo = SandboxServer(woo_app).start()
    db = tmp_path / "api.db"
    db.write_bytes(migrated_db.read_bytes())
    table = {
        "kind": "woocommerce",
        "base_url": woo.url,
        "consumer_key": SECRET,
        "consumer_secret": SECRET,
        "webhook_secret": HOOK_SECRET,
    }
    settings = Settings(
        db_url=f"sqlite:///{db}", sections=MappingProxyType({"channels": {"shop": table}})
    )
    admin = httpx.Client(base_url=woo.url, timeout=10)
    with bootstrap(settings) as app:
        offer = _seed(app, admin)
        api = SandboxServer(create_app(app, adapters=channel_adapters(app, os.environ))).start()
        try:
            yield app, api, admin, offer
        finally:
            api.stop()
            admin.close()
            woo.stop()


def _seed(app: App, admin: httpx.Client) -> str:
    product = {"name": "Kubek", "sku": str(SKU), "stock_quantity": 5}
    made = admin.post("/_sandbox/products", json={"products": [product]})
    assert made.status_code == 201, made.text
    offer = str(made.json()[0]["id"])
    catalog.add_channel(app.uow(), "shop", "woocommerce")
    catalog.add_product(app.uow(), Product(sku=SKU, name="Kubek"))
    stock.set_stock(
        app.uow(), SKU, 5, warehouse=WarehouseId("main"), actor="test", now=app.clock.now()
    )
    catalog.link_listing(app.uow(), SKU, ChannelId("shop"), offer)
    return offer


def _orders(app: App) -> list[dict[str, Any]]:
    return list_orders(OrderUnitOfWork(app.engine), ChannelId("shop"))


def _quarantined(app: App) -> list[dict[str, Any]]:
    with OrderUnitOfWork(app.engine) as uow:
        return uow.orders.quarantined(ChannelId("shop"))


def test_shop_sandbox_delivers_ping_and_order_to_the_api(served: Any) -> None:
    app, api, admin, _ = served
    hook = {
        "name": "omnistock",
        "topic": "order.created",
        "delivery_url": f"{api.url}/api/v1/webhooks/woocommerce/shop",
        "secret": HOOK_SECRET,
        "status": "active",
    }
    made = admin.post("/wp-json/wc/v3/webhooks", json=hook, auth=(SECRET, SECRET))
    assert made.status_code == 201, made.text

    def log() -> list[dict[str, Any]]:
        return list(admin.get("/_sandbox/webhooks/deliveries").json())

    (ping,) = _wait(log)
    assert (ping["topic"], ping["status"]) == ("ping", 200)
    assert _orders(app) == []
    placed = admin.post("/_sandbox/orders", json={"lines": [{"sku": str(SKU), "quantity": 2}]})
    assert placed.status_code == 201, placed.text
    _wait(lambda: len(log()) >= 2)
    delivered = log()[1]
    assert (delivered["topic"], delivered["status"]) == ("order.created", 200), delivered
    (order,) = _orders(app)
    assert order["external_id"] == str(placed.json()["id"])


def test_wrong_signature_is_401_and_stores_nothing(served: Any) -> None:
    app, api, _, _ = served
    body = b'{"id": 77, "status": "processing", "line_items": []}'
    url = f"{api.url}/api/v1/webhooks/woocommerce/shop"
    headers = {"X-WC-Webhook-Signature": sign(body, "not-the-secret"), "X-WC-Webhook-Topic": "x"}
    answer = httpx.post(url, content=body, headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "X-WC-Webhook-Signature"
    unsigned = httpx.post(url, content=body, timeout=10)
    assert unsigned.status_code == 401
    assert _orders(app) == []
    assert _quarantined(app) == []
    unknown = httpx.post(f"{api.url}/api/v1/webhooks/woocommerce/nope", content=body, timeout=10)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "channel"


def test_signed_body_that_is_not_an_order_is_quarantined(served: Any) -> None:
    app, api, _, _ = served
    body = b"this is not json"
    headers = {"X-WC-Webhook-Signature": sign(body, HOOK_SECRET)}
    url = f"{api.url}/api/v1/webhooks/woocommerce/shop"
    answer = httpx.post(url, content=body, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "quarantined"
    assert _orders(app) == []
    assert len(_quarantined(app)) == 1
