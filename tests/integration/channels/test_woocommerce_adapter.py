"""WooCommerce adapter vs the sandbox: variations, chunks, item errors, faults, orders, hooks."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from channel_harness import SECRET, Harness, batch
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from omnistock.channels.base import (
    ItemStatus,
    MalformedResponse,
    RateLimited,
    TransientChannelError,
    validate_report,
)
from omnistock.channels.http import HttpSettings
from omnistock.channels.woocommerce import WebhookVerdict, WooAdapter, WooConfig, verify_webhook
from omnistock.channels.woocommerce import orders as woo_orders


def _requests(harness: Harness, path: str) -> list[Any]:
    assert harness.admin is not None
    entries: list[Any] = harness.admin.get("/_sandbox/requests", params={"path": path}).json()
    return entries


def test_variations_are_pushed_per_parent_and_read_back(woo_channel: Harness) -> None:
    assert woo_channel.admin is not None
    product = {
        "name": "Koszulka",
        "sku": "TEE",
        "type": "variable",
        "variations": [
            {"sku": "TEE-S", "stock_quantity": 1},
            {"sku": "TEE-M", "stock_quantity": 2},
        ],
    }
    rows = woo_channel.admin.post("/_sandbox/products", json={"products": [product]}).json()
    parent = next(r["id"] for r in rows if r["sku"] == "TEE")
    offers = [f"{parent}:{r['id']}" for r in rows if r["parent_id"] == parent]
    simple = woo_channel.seed({"mug": 3})["mug"]
    wanted = {offers[0]: 7, offers[1]: 0, simple: 4}
    pushed = batch("woocommerce", wanted)
    report = validate_report(pushed, woo_channel.adapter.push(pushed))
    assert {r.status for r in report.results} == {ItemStatus.OK}
    assert len(_requests(woo_channel, f"/wp-json/wc/v3/products/{parent}/variations/batch")) == 1
    assert dict(woo_channel.adapter.read_quantities(list(wanted))) == wanted


def test_more_than_100_items_go_in_chunks(woo_channel: Harness) -> None:
    ids = woo_channel.seed({f"p{n}": 1 for n in range(150)})
    pushed = batch("woocommerce", {o: 5 for o in ids.values()})
    report = validate_report(pushed, woo_channel.adapter.push(pushed))
    assert len(report.results) == 150
    assert len(_requests(woo_channel, "/wp-json/wc/v3/products/batch")) == 2
    assert set(woo_channel.adapter.read_quantities(list(ids.values())).values()) == {5}


def test_item_errors_inside_a_200_are_retryable_or_permanent(woo_channel: Harness) -> None:
    ids = list(woo_channel.seed({"a": 1, "b": 1}).values())
    woo_channel.faults(partial_batch_failure_rate=1.0)
    pushed = batch("woocommerce", {ids[0]: 3, ids[1]: 3, "not-an-id": 3})
    report = validate_report(pushed, woo_channel.adapter.push(pushed))
    statuses = {r.offer_id: (r.status, r.code) for r in report.results}
    assert statuses[ids[0]] == (ItemStatus.RETRYABLE, "db_update_error")
    assert statuses["not-an-id"] == (ItemStatus.PERMANENT, "invalid_offer_id")


@pytest.mark.parametrize(("retry_after", "expected"), [(True, 2.0), (False, None)])
def test_host_429_is_rate_limited(woo_channel: Harness, retry_after: bool, expected: Any) -> None:
    offer = woo_channel.seed({"a": 1})["a"]
    burst = {"every": 1, "length": 100, "retry_after": retry_after, "retry_after_seconds": 2}
    woo_channel.faults(burst_429=burst)
    woo_channel.adapter.read_quantities([offer])
    with pytest.raises(RateLimited) as caught:
        woo_channel.adapter.push(batch("woocommerce", {offer: 2}))
    assert caught.value.retry_after == expected
    assert str(caught.value).startswith("woocommerce: HTTP 429")


def test_5xx_and_timeouts_are_transient(woo_channel: Harness) -> None:
    offer = woo_channel.seed({"a": 1})["a"]
    woo_channel.faults(error_rate=1.0)
    with pytest.raises(TransientChannelError):
        woo_channel.adapter.push(batch("woocommerce", {offer: 2}))
    woo_channel.faults(timeout_rate=1.0, timeout_seconds=5)
    impatient = WooAdapter(
        WooConfig(
            base_url=woo_channel.extra["url"],
            consumer_key=SECRET,
            consumer_secret=SECRET,
            http=HttpSettings(timeout_s=0.3),
        )
    )
    with pytest.raises(TransientChannelError, match="ReadTimeout"):
        impatient.push(batch("woocommerce", {offer: 2}))
    impatient.close()
    woo_channel.faults(drop_rate=1.0)
    with pytest.raises(TransientChannelError, match="no response"):
        woo_channel.adapter.push(batch("woocommerce", {offer: 2}))


def test_unparseable_body_is_malformed(woo_channel: Harness) -> None:
    offer = woo_channel.seed({"a": 1})["a"]
    assert woo_channel.garble is not None
    woo_channel.garble.prefix = "/wp-json/wc/v3/products/batch"
    with pytest.raises(MalformedResponse):
        woo_channel.adapter.push(batch("woocommerce", {offer: 2}))


def test_orders_are_polled_by_modified_date_with_pages(
    woo_channel: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert woo_channel.admin is not None
    monkeypatch.setattr(woo_orders, "PAGE_SIZE", 10)
    woo_channel.seed({"a": 500})
    sku = woo_channel.admin.get("/_sandbox/quantities").json()[0]["sku"]
    for _ in range(11):
        placed = woo_channel.admin.post("/_sandbox/orders", json={"lines": [{"sku": sku}]})
        assert placed.status_code == 201, placed.text
    adapter = WooAdapter(
        WooConfig(base_url=woo_channel.extra["url"], consumer_key=SECRET, consumer_secret=SECRET),
        clock=woo_channel.sandbox.clock.now,
    )
    first = adapter.poll_orders(None)
    assert first.has_more
    second = adapter.poll_orders(first.cursor)
    assert not second.has_more
    ids = {o.order_id for o in first.orders + second.orders}
    assert len(ids) == 11
    assert {o.status for o in first.orders} == {"processing"}
    changed = first.orders[0].order_id
    woo_channel.sandbox.clock.advance(5)
    woo_channel.admin.post(f"/_sandbox/orders/{changed}/status", json={"status": "cancelled"})
    later, cursor = [], second.cursor
    for _ in range(5):  # the watermark overlaps: the burst is read again, then the change
        page = adapter.poll_orders(cursor)
        later.extend(page.orders)
        cursor = page.cursor
        if not page.has_more:
            break
    adapter.close()
    assert (changed, "cancelled") in {(o.order_id, o.status) for o in later}


def test_webhook_deliveries_verify_and_the_ping_is_recognised(
    woo_channel: Harness, serve: Any
) -> None:
    seen: list[WebhookVerdict] = []

    async def hook(request: Request) -> Response:
        verdict = verify_webhook(request.headers, await request.body(), "s3cret")
        seen.append(verdict)
        return Response(status_code=401 if verdict is WebhookVerdict.INVALID else 200)

    receiver = serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    offer = woo_channel.seed({"a": 5})
    sku = woo_channel.admin.get("/_sandbox/quantities").json()[0]["sku"]  # type: ignore[union-attr]
    created = httpx.post(
        f"{woo_channel.extra['url']}/wp-json/wc/v3/webhooks",
        json={
            "name": "omnistock",
            "topic": "order.created",
            "delivery_url": f"{receiver.url}/hook",
            "secret": "s3cret",
        },
        auth=(SECRET, SECRET),
        timeout=5,
    )
    assert created.status_code == 201, created.text
    woo_channel.admin.post("/_sandbox/orders", json={"lines": [{"sku": sku}]})  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen[:2] == [WebhookVerdict.PING, WebhookVerdict.VALID], (seen, offer)
