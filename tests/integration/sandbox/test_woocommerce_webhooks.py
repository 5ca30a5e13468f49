"""WooCommerce webhooks over real HTTP: registration, ping, signatures, failures, event faults."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import FaultConfig
from omnistock.sandbox.woocommerce.app import create_app

KEY = ("omnistock-sandbox", "omnistock-sandbox")
API = "/wp-json/wc/v3"


class Receiver:
    """A webhook endpoint recording raw deliveries; answers ``statuses`` then ``status``."""

    def __init__(
        self,
        status: int = 200,
        statuses: list[int] | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.gate = gate  # holds the answer to the first call until set
        self.status = status
        self.statuses = list(statuses or [])
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self._cond = threading.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        with self._cond:
            self.calls.append((dict(request.headers), body))
            status = self.statuses.pop(0) if self.statuses else self.status
            self._cond.notify_all()
            first = len(self.calls) == 1
        if first and self.gate is not None:
            await asyncio.to_thread(self.gate.wait, 10)
        await Response(status_code=status)(scope, receive, send)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[dict[str, str], bytes]]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.calls) >= count, timeout), self.calls
            return list(self.calls)

    def events(self) -> list[tuple[dict[str, str], bytes]]:
        with self._cond:
            return [call for call in self.calls if "x-wc-webhook-topic" in call[0]]


_CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


def _shop(serve, faults: FaultConfig | None = None, **options) -> httpx.Client:
    app = create_app(SandboxOptions(faults=faults or FaultConfig(), **options))
    client = httpx.Client(base_url=serve(app).url, auth=KEY, timeout=10)
    _CLIENTS.append(client)
    return client


def _hook(shop: httpx.Client, url: str, topic: str, secret: str = "s3cret-ąę") -> dict:
    body = {"name": topic, "topic": topic, "delivery_url": url, "secret": secret}
    response = shop.post(f"{API}/webhooks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _order(shop: httpx.Client, sku: str = "KUBEK-001") -> dict:
    response = shop.post("/_sandbox/orders", json={"lines": [{"sku": sku, "quantity": 1}]})
    assert response.status_code == 201, response.text
    return response.json()


def _deliveries(shop: httpx.Client, count: int, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        log = shop.get("/_sandbox/webhooks/deliveries").json()
        if len(log) >= count or time.monotonic() > deadline:
            assert len(log) >= count, log
            return log
        time.sleep(0.02)


def test_ping_is_unsigned_form_and_order_created_is_signed_exact_body(serve) -> None:
    receiver = Receiver()
    url = f"{serve(receiver).url}/hook"
    shop = _shop(serve)
    hook = _hook(shop, url, "order.created")
    assert (hook["resource"], hook["event"], hook["status"]) == ("order", "created", "active")
    ping_headers, ping_body = receiver.wait_for(1)[0]
    assert ping_body == f"webhook_id={hook['id']}".encode()
    assert ping_headers["content-type"] == "application/x-www-form-urlencoded"
    assert not [name for name in ping_headers if name.startswith("x-wc-webhook")]
    order = _order(shop)
    headers, body = receiver.wait_for(2)[1]
    expected = base64.b64encode(hmac.new("s3cret-ąę".encode(), body, hashlib.sha256).digest())
    assert headers["x-wc-webhook-signature"] == expected.decode()
    assert headers["x-wc-webhook-topic"] == "order.created"
    assert headers["x-wc-webhook-resource"] == "order"
    assert headers["x-wc-webhook-event"] == "created"
    assert headers["x-wc-webhook-id"] == str(hook["id"])
    assert len(headers["x-wc-webhook-delivery-id"]) == 32
    assert headers["x-wc-webhook-source"] == f"{shop.base_url}/"
    assert headers["user-agent"].startswith("WooCommerce/")
    assert b"\\/" in body  # wp_json_encode escapes slashes: verify the raw bytes
    assert json.loads(body) == shop.get(f"{API}/orders/{order['id']}").json()


def test_payload_is_the_resource_as_it_is_when_sent(serve) -> None:
    gate = threading.Event()
    receiver = Receiver(gate=gate)
    shop = _shop(serve)
    _hook(shop, f"{serve(receiver).url}/hook", "order.created")
    receiver.wait_for(1)  # the sender now waits on the ping's answer
    order = _order(shop)
    shop.post(f"/_sandbox/orders/{order['id']}/status", json={"status": "completed"})
    gate.set()
    _, body = receiver.wait_for(2)[1]
    assert order["status"] == "processing"
    assert json.loads(body)["status"] == "completed"


def test_order_updated_and_product_updated_topics(serve) -> None:
    receiver = Receiver()
    url = f"{serve(receiver).url}/hook"
    shop = _shop(serve)
    _hook(shop, url, "order.updated")
    _hook(shop, url, "product.updated")
    receiver.wait_for(2)
    order = _order(shop)  # order.created: nobody subscribed
    shop.post(f"/_sandbox/orders/{order['id']}/status", json={"status": "completed"})
    shop.put(f"{API}/products/12", json={"stock_quantity": 2})
    shop.put("/_sandbox/products/11/stock", json={"stock_quantity": 40})
    calls = receiver.wait_for(5)
    topics = sorted(h["x-wc-webhook-topic"] for h, _ in calls[2:])
    assert topics == ["order.updated", "product.updated", "product.updated"]
    payloads = {json.loads(b)["id"]: json.loads(b) for _, b in calls[2:]}
    assert payloads[order["id"]]["status"] == "completed"
    assert payloads[12]["stock_quantity"] == 2
    assert payloads[11]["stock_quantity"] == 40


def test_webhook_is_disabled_on_the_seventh_consecutive_failure(serve) -> None:
    failing, healthy = Receiver(status=500), Receiver()
    shop = _shop(serve)
    hook = _hook(shop, f"{serve(failing).url}/hook", "order.created")
    _hook(shop, f"{serve(healthy).url}/hook", "order.created")
    for _ in range(7):
        _order(shop)
    log = _deliveries(shop, 2 + 14)
    mine = [
        entry for entry in log if entry["webhook_id"] == hook["id"] and entry["topic"] != "ping"
    ]
    assert [e["failure_count"] for e in mine] == [1, 2, 3, 4, 5, 6, 6]
    assert [e["webhook_status"] for e in mine][-2:] == ["active", "disabled"]
    assert shop.get(f"{API}/webhooks/{hook['id']}").json()["status"] == "disabled"
    _order(shop)
    healthy.wait_for(1 + 8)
    assert len(failing.events()) == 7
    shop.put(f"{API}/webhooks/{hook['id']}", json={"status": "active"})
    failing.status = 200
    _order(shop)
    assert len(failing.wait_for(1 + 8)) == 9


def test_success_200_to_302_resets_the_failure_counter(serve) -> None:
    receiver = Receiver(statuses=[200, 500, 503, 302, 303])
    shop = _shop(serve)
    _hook(shop, f"{serve(receiver).url}/hook", "order.created")
    for _ in range(4):
        _order(shop)
    log = _deliveries(shop, 5)
    assert [(e["status"], e["failure_count"]) for e in log[1:]] == [
        (500, 1),
        (503, 2),
        (302, 0),
        (303, 1),
    ]


def test_unreachable_receiver_counts_as_a_failure(serve) -> None:
    shop = _shop(serve)
    _hook(shop, "http://127.0.0.1:9/hook", "order.created")
    _order(shop)
    log = _deliveries(shop, 2)
    assert log[1]["status"] is None
    assert log[1]["error"]
    assert log[1]["failure_count"] == 1


def test_duplicated_events_repeat_the_same_delivery(serve) -> None:
    receiver = Receiver()
    shop = _shop(serve, FaultConfig(duplicate_event_rate=1.0))
    _hook(shop, f"{serve(receiver).url}/hook", "order.created")
    _order(shop)
    calls = receiver.wait_for(3)
    (first_h, first_b), (second_h, second_b) = calls[1], calls[2]
    assert first_b == second_b
    assert first_h["x-wc-webhook-delivery-id"] == second_h["x-wc-webhook-delivery-id"]


def test_reordered_events_arrive_out_of_order(serve) -> None:
    receiver = Receiver()
    shop = _shop(serve, FaultConfig(reorder_events=True), time_scale=20.0)
    _hook(shop, f"{serve(receiver).url}/hook", "order.created")
    placed = [_order(shop)["id"] for _ in range(6)]
    calls = receiver.wait_for(7)
    arrived = [json.loads(body)["id"] for _, body in calls[1:]]
    assert sorted(arrived) == placed
    assert arrived != placed


def test_webhook_validation_listing_and_deletion(serve) -> None:
    shop = _shop(serve)
    bad_topic = shop.post(
        f"{API}/webhooks", json={"topic": "order.exploded", "delivery_url": "http://x/"}
    )
    assert bad_topic.json()["code"] == "woocommerce_rest_shop_webhook_invalid_topic"
    missing = shop.post(f"{API}/webhooks", json={"topic": "order.created"})
    assert missing.status_code == 400
    assert missing.json()["code"] == "rest_missing_callback_param"
    bad_url = shop.post(
        f"{API}/webhooks", json={"topic": "order.created", "delivery_url": "ftp://x"}
    )
    assert bad_url.json()["code"] == "woocommerce_rest_shop_webhook_invalid_delivery_url"
    hook = _hook(shop, "http://127.0.0.1:9/hook", "product.updated")
    listed = shop.get(f"{API}/webhooks").json()
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    trash = shop.delete(f"{API}/webhooks/{hook['id']}")
    assert (trash.status_code, trash.json()["code"]) == (
        501,
        "woocommerce_rest_trash_not_supported",
    )
    assert shop.delete(f"{API}/webhooks/{hook['id']}", params={"force": "true"}).status_code == 200
    gone = shop.get(f"{API}/webhooks/{hook['id']}")
    assert (gone.status_code, gone.json()["code"]) == (
        404,
        "woocommerce_rest_shop_webhook_invalid_id",
    )


@pytest.mark.parametrize("topic", ["order.created", "product.updated"])
def test_paused_webhooks_deliver_nothing(serve, topic) -> None:
    receiver, healthy = Receiver(), Receiver()
    shop = _shop(serve)
    hook = _hook(shop, f"{serve(receiver).url}/hook", topic)
    _hook(shop, f"{serve(healthy).url}/hook", topic)
    receiver.wait_for(1)
    shop.put(f"{API}/webhooks/{hook['id']}", json={"status": "paused"})
    if topic == "order.created":
        _order(shop)
    else:
        shop.put(f"{API}/products/11", json={"stock_quantity": 3})
    healthy.wait_for(2)
    assert receiver.events() == []
