"""Amazon adapter against the SP-API sandbox: LWA, PATCH vs feed, reports, faults, searchOrders."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from channel_harness import Harness, batch, settle

from omnistock.channels.amazon import AmazonAdapter
from omnistock.channels.amazon import orders as amazon_orders
from omnistock.channels.base import (
    BatchNotFound,
    ItemStatus,
    MalformedResponse,
    RateLimited,
    TransientChannelError,
    validate_report,
)
from omnistock.channels.http import error_details


def _calls(harness: Harness, path: str) -> int:
    assert harness.admin is not None
    return len(harness.admin.get("/_sandbox/requests", params={"path": path}).json())


def test_few_skus_are_patched_with_one_lwa_token(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({"a": 1, "b": 1}).values())
    for quantity in (4, 5):
        pushed = batch("amazon", dict.fromkeys(skus, quantity))
        report = validate_report(pushed, amazon_channel.adapter.push(pushed))
        final = validate_report(pushed, settle(amazon_channel, pushed, report))
        assert {r.status for r in final.results} == {ItemStatus.OK}
    assert _calls(amazon_channel, "/feeds/2021-06-30/feeds") == 0
    assert _calls(amazon_channel, "/auth/o2/token") == 1
    assert amazon_channel.adapter.read_quantities(skus) == dict.fromkeys(skus, 5)
    amazon_channel.advance(3600)  # the access token expired
    amazon_channel.adapter.read_quantities(skus)
    assert _calls(amazon_channel, "/auth/o2/token") == 2


def test_accepted_patch_is_confirmed_once_amazon_shows_it(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({"a": 1, "b": 1}).values())
    amazon_channel.faults(async_delay_seconds=60)
    pushed = batch("amazon", dict.fromkeys(skus, 7))
    first = validate_report(pushed, amazon_channel.adapter.push(pushed))
    assert first.pending  # ACCEPTED, not applied yet
    assert amazon_channel.adapter.poll(pushed.id).pending  # still the old quantity
    amazon_channel.advance(60)
    final = validate_report(pushed, amazon_channel.adapter.poll(pushed.id))
    assert {r.status for r in final.results} == {ItemStatus.OK}
    assert amazon_channel.adapter.read_quantities(skus) == dict.fromkeys(skus, 7)


def test_accepted_patch_is_confirmed_after_the_settle_window(amazon_channel: Harness) -> None:
    sku = amazon_channel.seed({"a": 1})["a"]
    amazon_channel.faults(async_delay_seconds=10_000)
    pushed = batch("amazon", {sku: 7})
    assert amazon_channel.adapter.push(pushed).pending
    amazon_channel.advance(299)
    assert amazon_channel.adapter.poll(pushed.id).pending
    amazon_channel.advance(1)  # patch_settle_s (300 s) since the patch
    final = validate_report(pushed, amazon_channel.adapter.poll(pushed.id))
    assert [r.status for r in final.results] == [ItemStatus.OK]


def test_decrease_is_confirmed_when_a_sale_lowered_it_further(amazon_channel: Harness) -> None:
    sku = amazon_channel.seed({"a": 5})["a"]
    amazon_channel.faults(async_delay_seconds=5)
    assert amazon_channel.admin is not None
    pushed = batch("amazon", {sku: 3}, previous={sku: 5})
    assert amazon_channel.adapter.push(pushed).pending
    amazon_channel.advance(5)  # Amazon applied the 3 …
    order = {"items": [{"sku": sku, "quantity": 1}]}
    amazon_channel.admin.post("/_sandbox/orders", json=order).raise_for_status()  # … then sold 1
    final = validate_report(pushed, amazon_channel.adapter.poll(pushed.id))
    assert [r.status for r in final.results] == [ItemStatus.OK]  # not held for patch_settle_s
    raised = batch("amazon", {sku: 4}, previous={sku: 2})
    assert amazon_channel.adapter.push(raised).pending
    amazon_channel.advance(5)  # an increase shown lower after a sale: still pending
    amazon_channel.admin.post("/_sandbox/orders", json=order).raise_for_status()
    assert amazon_channel.adapter.poll(raised.id).pending


def test_invalid_patch_is_final_at_once(amazon_channel: Harness) -> None:
    pushed = batch("amazon", {"NO-SUCH-SKU": 3})
    report = validate_report(pushed, amazon_channel.adapter.push(pushed))
    assert not report.pending
    assert [r.status for r in report.results] == [ItemStatus.PERMANENT]


def test_many_skus_go_through_a_listings_feed(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(8)}).values())
    amazon_channel.faults(async_delay_seconds=60)
    pushed = batch("amazon", dict.fromkeys(skus, 9))
    first = amazon_channel.adapter.push(pushed)
    assert first.pending
    assert first.command_id is not None
    assert first.command_id.isdigit()  # the feed id
    assert amazon_channel.adapter.poll(pushed.id).pending  # IN_QUEUE / IN_PROGRESS
    final = validate_report(pushed, settle(amazon_channel, pushed, first))
    assert {r.status for r in final.results} == {ItemStatus.OK}
    assert amazon_channel.adapter.read_quantities(skus) == dict.fromkeys(skus, 9)


def test_large_gzip_report_maps_each_message_to_its_sku(amazon_channel: Harness) -> None:
    good = list(amazon_channel.seed({f"s{n}": 1 for n in range(3)}).values())
    bad = [f"UNKNOWN-{n}" for n in range(150)]
    pushed = batch("amazon", dict.fromkeys(good + bad, 2))
    final = validate_report(
        pushed, settle(amazon_channel, pushed, amazon_channel.adapter.push(pushed))
    )
    by_sku = {r.offer_id: r for r in final.results}
    assert {by_sku[s].status for s in good} == {ItemStatus.OK}
    assert {(by_sku[s].status, by_sku[s].code) for s in bad} == {(ItemStatus.PERMANENT, "4000004")}
    sandbox = amazon_channel.sandbox
    assert any(d.compression == "GZIP" for d in sandbox.feeds.documents.values())


def test_injected_message_failures_are_retryable(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(6)}).values())
    amazon_channel.faults(partial_batch_failure_rate=1.0)
    pushed = batch("amazon", dict.fromkeys(skus, 3))
    final = settle(amazon_channel, pushed, amazon_channel.adapter.push(pushed))
    assert {(r.status, r.code) for r in final.results} == {
        (ItemStatus.RETRYABLE, "InternalFailure")
    }


def test_quota_exceeded_has_no_retry_after(amazon_channel: Harness) -> None:
    sku = amazon_channel.seed({"a": 1})["a"]
    amazon_channel.adapter.read_quantities([sku])  # token in hand
    amazon_channel.faults(burst_429={"every": 1, "length": 100, "retry_after": False})
    amazon_channel.adapter.read_quantities([sku])
    with pytest.raises(RateLimited) as caught:
        amazon_channel.adapter.push(batch("amazon", {sku: 2}))
    assert caught.value.retry_after is None
    assert error_details(caught.value)["api_code"] == "QuotaExceeded"
    assert error_details(caught.value)["request_id"]
    assert f"offer {sku}" in str(caught.value)


def test_5xx_is_transient_and_garbage_is_malformed(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(6)}).values())
    amazon_channel.adapter.read_quantities(skus[:1])
    assert amazon_channel.garble is not None
    amazon_channel.garble.prefix = "/feeds/2021-06-30/feeds"
    with pytest.raises(MalformedResponse):
        amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 2)))
    amazon_channel.garble.prefix = None
    amazon_channel.faults(error_rate=1.0)
    with pytest.raises(TransientChannelError):
        amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 2)))


def test_search_orders_pages_then_moves_the_bound(
    amazon_channel: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(amazon_orders, "PAGE_SIZE", 2)
    sku = amazon_channel.seed({"a": 50})["a"]
    assert amazon_channel.admin is not None
    placed = [
        amazon_channel.admin.post("/_sandbox/orders", json={"items": [{"sku": sku, "quantity": 1}]})
        for _ in range(3)
    ]
    ids = {p.json()["orderId"] for p in placed}
    first = amazon_channel.adapter.poll_orders(None)
    assert first.has_more
    second = amazon_channel.adapter.poll_orders(first.cursor)
    assert not second.has_more
    lines = first.orders + second.orders
    assert {o.order_id for o in lines} == ids
    assert {(o.offer_id, o.quantity, o.status) for o in lines} == {(sku, 1, "UNSHIPPED")}
    amazon_channel.advance(60)
    cancelled = next(iter(ids))
    amazon_channel.admin.post(f"/_sandbox/orders/{cancelled}/cancel")
    amazon_channel.advance(1)
    third: Any = amazon_channel.adapter.poll_orders(second.cursor)
    assert (cancelled, "CANCELLED") in {(o.order_id, o.status) for o in third.orders}


def test_feed_pending_over_a_restart_is_resumed_by_its_feed_id(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(6)}).values())
    amazon_channel.faults(async_delay_seconds=60)
    pushed = batch("amazon", dict.fromkeys(skus, 4))
    first = amazon_channel.adapter.push(pushed)
    assert first.pending
    assert first.command_id is not None
    restarted = AmazonAdapter(
        amazon_channel.extra["config"], clock=amazon_channel.sandbox.clock.now
    )
    try:
        with pytest.raises(BatchNotFound):
            restarted.poll(pushed.id)  # nothing stored: the dispatcher would push again
        restarted.resume(pushed, first.command_id)
        assert restarted.poll(pushed.id).pending
        final = settle(replace_adapter(amazon_channel, restarted), pushed, first)
    finally:
        restarted.close()
    assert {r.status for r in validate_report(pushed, final).results} == {ItemStatus.OK}
    assert amazon_channel.admin is not None
    created = [
        r
        for r in amazon_channel.admin.get("/_sandbox/requests").json()
        if r["method"] == "POST" and r["path"] == "/feeds/2021-06-30/feeds"
    ]
    assert len(created) == 1  # submitted once


def test_fatal_feed_fails_every_item(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(6)}).values())
    config = replace(amazon_channel.extra["config"], seller_id="A-SOMEONE-ELSE")
    adapter = AmazonAdapter(config, clock=amazon_channel.sandbox.clock.now)
    pushed = batch("amazon", dict.fromkeys(skus, 3))
    first = adapter.push(pushed)
    final = validate_report(pushed, settle(replace_adapter(amazon_channel, adapter), pushed, first))
    adapter.close()
    assert {(r.status, r.code) for r in final.results} == {(ItemStatus.PERMANENT, "4002007")}


def replace_adapter(harness: Harness, adapter: AmazonAdapter) -> Harness:
    return replace(harness, adapter=adapter)


def test_burst_of_feeds_stays_in_the_feed_window(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(8)}).values())
    amazon_channel.faults(async_delay_seconds=600)
    for quantity in range(2, 7):  # the window's 5 feeds
        assert amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, quantity))).pending
    amazon_channel.advance(100)
    for _ in range(3):
        with pytest.raises(RateLimited) as caught:
            amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 9)))
        assert caught.value.retry_after == pytest.approx(200.0, abs=1.0)
    assert _calls(amazon_channel, "/feeds/2021-06-30/documents") == 5  # nothing spent meanwhile
    small = batch("amazon", dict.fromkeys(skus[:2], 8))
    assert validate_report(small, amazon_channel.adapter.push(small)).pending  # PATCHes accepted
    amazon_channel.advance(200)
    assert amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 9))).pending
    assert amazon_channel.admin is not None
    feeds = amazon_channel.admin.get(
        "/_sandbox/requests", params={"path": "/feeds/2021-06-30/feeds"}
    )
    assert [r["status"] for r in feeds.json() if r["method"] == "POST"] == [202] * 6


def test_a_429_on_create_feed_marks_the_window_full(amazon_channel: Harness) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(8)}).values())
    other = AmazonAdapter(amazon_channel.extra["config"], clock=amazon_channel.sandbox.clock.now)
    for quantity in range(2, 7):  # another client of the same seller uses the whole window
        assert other.push(batch("amazon", dict.fromkeys(skus, quantity))).pending
    other.close()
    with pytest.raises(RateLimited) as caught:
        amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 9)))
    assert caught.value.http_status == 429  # Amazon's answer
    with pytest.raises(RateLimited) as again:
        amazon_channel.adapter.push(batch("amazon", dict.fromkeys(skus, 9)))
    assert again.value.http_status is None  # ours: nothing sent
    assert again.value.retry_after == pytest.approx(300.0, abs=1.0)
    assert _calls(amazon_channel, "/feeds/2021-06-30/documents") == 6
