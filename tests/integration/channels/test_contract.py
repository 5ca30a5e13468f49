"""One contract, run against the in-memory fake and every sandbox-backed adapter.

If the fake and a real adapter disagree on any of these, one of them is wrong: push then read
back, zero handling (Allegro ends and re-activates), asynchronous results through ``poll``,
a bad offer id as a permanent item error, and ``poll`` of a batch the channel never got.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from channel_harness import Harness, batch, settle

from omnistock.channels.base import BatchNotFound, ItemStatus, validate_report

CHANNELS = [
    "fake_channel",
    "fake_sync_channel",
    "shared_allegro",
    "shared_woo",
    "shared_amazon",
    "shared_meta",
]
SIZES = [pytest.param(1, id="single"), pytest.param(7, id="bulk")]


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> Any:
    harness: Harness = request.getfixturevalue(request.param)
    return harness


def _push(channel: Harness, quantities: dict[str, int], previous: dict[str, int] | None = None):
    pushed = batch(channel.name, quantities, previous)
    report = validate_report(pushed, channel.adapter.push(pushed))
    return pushed, validate_report(pushed, settle(channel, pushed, report))


@pytest.mark.parametrize("size", SIZES)
def test_pushed_quantities_read_back(channel: Harness, size: int) -> None:
    ids = channel.seed({f"o{n}": 5 for n in range(size)})
    wanted = {ids[f"o{n}"]: 10 + n for n in range(size)}
    _, report = _push(channel, wanted, {o: 5 for o in wanted})
    assert {r.offer_id: r.status for r in report.results} == dict.fromkeys(wanted, ItemStatus.OK)
    assert dict(channel.adapter.read_quantities(list(wanted))) == wanted


@pytest.mark.parametrize("size", SIZES)
def test_zero_then_resume(channel: Harness, size: int) -> None:
    ids = channel.seed({f"o{n}": 4 for n in range(size)})
    offers = list(ids.values())
    _, ended = _push(channel, dict.fromkeys(offers, 0), dict.fromkeys(offers, 4))
    assert all(r.status is ItemStatus.OK for r in ended.results)
    assert dict(channel.adapter.read_quantities(offers)) == dict.fromkeys(offers, 0)
    _, resumed = _push(channel, dict.fromkeys(offers, 3), dict.fromkeys(offers, 0))
    assert all(r.status is ItemStatus.OK for r in resumed.results), resumed.results
    assert dict(channel.adapter.read_quantities(offers)) == dict.fromkeys(offers, 3)


def test_async_results_arrive_through_poll(channel: Harness) -> None:
    ids = channel.seed({f"o{n}": 1 for n in range(7)})
    pushed = batch(channel.name, {o: 2 for o in ids.values()})
    first = validate_report(pushed, channel.adapter.push(pushed))
    if not channel.adapter.capabilities.async_results:
        assert not first.pending
    final = validate_report(pushed, settle(channel, pushed, first))
    assert not final.pending
    assert [r.offer_id for r in final.results] == [i.offer_id for i in pushed.items]


@pytest.mark.parametrize("size", SIZES)
def test_bad_offer_id_is_a_permanent_item_error(channel: Harness, size: int) -> None:
    ids = channel.seed({f"o{n}": 1 for n in range(size)})
    good = list(ids.values())[: max(1, size - 1)]
    quantities = {**dict.fromkeys(good, 6), channel.bad_offer: 6}
    _, report = _push(channel, quantities)
    by_offer = {r.offer_id: r for r in report.results}
    assert by_offer[channel.bad_offer].status is ItemStatus.PERMANENT
    assert by_offer[channel.bad_offer].code
    assert all(by_offer[o].status is ItemStatus.OK for o in good)
    assert dict(channel.adapter.read_quantities(good)) == dict.fromkeys(good, 6)


def test_poll_of_an_unknown_batch_raises_batch_not_found(channel: Harness) -> None:
    if not channel.adapter.capabilities.async_results:
        pytest.skip("results are final on push; poll is never needed")
    with pytest.raises(BatchNotFound):
        channel.adapter.poll(uuid4())


def test_order_feed_has_a_cursor(channel: Harness) -> None:
    page = channel.adapter.poll_orders(None)
    assert page.orders == () or page.cursor is not None
