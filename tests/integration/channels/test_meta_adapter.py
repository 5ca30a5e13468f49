"""Meta catalog adapter against the sandbox: handles, status checks, BUC throttling, no orders."""

from __future__ import annotations

import pytest
from channel_harness import Harness, batch, settle

from omnistock.channels.base import (
    ItemStatus,
    MalformedResponse,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
    validate_report,
)
from omnistock.channels.http import error_details
from omnistock.channels.meta import MetaAdapter, MetaConfig


def _items(harness: Harness) -> dict[str, dict[str, object]]:
    assert harness.admin is not None
    rows = harness.admin.get("/_sandbox/quantities").json()["items"]
    return {r["retailer_id"]: r for r in rows}


def test_batch_is_pending_until_its_handle_is_finished(meta_channel: Harness) -> None:
    ids = list(meta_channel.seed({"a": 2, "b": 2}).values())
    meta_channel.faults(async_delay_seconds=60)
    pushed = batch("meta", {ids[0]: 0, ids[1]: 8})
    first = meta_channel.adapter.push(pushed)
    assert first.pending
    assert first.command_id is not None
    assert meta_channel.adapter.poll(pushed.id).pending
    final = validate_report(pushed, settle(meta_channel, pushed, first))
    assert {r.status for r in final.results} == {ItemStatus.OK}
    items = _items(meta_channel)
    assert items[ids[0]]["availability"] == "out of stock"
    assert items[ids[1]]["quantity_to_sell_on_facebook"] == 8


def test_catalog_batch_limit_is_rate_limited_with_the_usage_wait(meta_channel: Harness) -> None:
    ids = list(meta_channel.seed({"a": 2}).values())
    assert meta_channel.admin is not None
    meta_channel.admin.put("/_sandbox/limits", json={"calls": 1, "window_seconds": 600})
    meta_channel.adapter.push(batch("meta", {ids[0]: 3}))
    with pytest.raises(RateLimited) as caught:
        meta_channel.adapter.push(batch("meta", {ids[0]: 4}))
    assert error_details(caught.value)["api_code"] == "OAuthException #80014"
    assert caught.value.retry_after is not None
    assert caught.value.retry_after >= 60


def test_generic_throttle_and_server_errors(meta_channel: Harness) -> None:
    ids = list(meta_channel.seed({"a": 2}).values())
    meta_channel.faults(burst_429={"every": 1, "length": 10, "retry_after": False})
    meta_channel.adapter.read_quantities(ids)
    with pytest.raises(RateLimited):
        meta_channel.adapter.push(batch("meta", {ids[0]: 3}))
    meta_channel.faults(error_rate=1.0)
    with pytest.raises(TransientChannelError):
        meta_channel.adapter.push(batch("meta", {ids[0]: 3}))


def test_transient_item_errors_are_retryable(meta_channel: Harness) -> None:
    ids = list(meta_channel.seed({"a": 2, "b": 2}).values())
    meta_channel.faults(partial_batch_failure_rate=1.0)
    pushed = batch("meta", dict.fromkeys(ids, 5))
    final = settle(meta_channel, pushed, meta_channel.adapter.push(pushed))
    assert {r.status for r in final.results} == {ItemStatus.RETRYABLE}


def test_bad_token_is_permanent(meta_channel: Harness) -> None:
    adapter = MetaAdapter(
        MetaConfig(
            graph_url=meta_channel.extra["url"],
            catalog_id=meta_channel.extra["catalog"],
            access_token="wrong",
        )
    )
    with pytest.raises(PermanentChannelError, match="#190"):
        adapter.push(batch("meta", {"x": 1}))
    adapter.close()


def test_garbage_is_malformed(meta_channel: Harness) -> None:
    ids = list(meta_channel.seed({"a": 2}).values())
    assert meta_channel.garble is not None
    meta_channel.garble.prefix = "/v26.0/"
    with pytest.raises(MalformedResponse):
        meta_channel.adapter.push(batch("meta", {ids[0]: 3}))


def test_no_orders_and_no_calls_for_them(meta_channel: Harness) -> None:
    page = meta_channel.adapter.poll_orders("anything")
    assert page.orders == ()
    assert page.cursor == "anything"
    assert meta_channel.admin is not None
    assert meta_channel.admin.get("/_sandbox/requests").json() == []
