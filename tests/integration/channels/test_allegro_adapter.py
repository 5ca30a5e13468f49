"""Allegro adapter against the sandbox: commands, ids, PATCH, zero/resume, faults, order events."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any
from uuid import uuid5

import httpx
import pytest
from channel_harness import Harness, batch, settle

from omnistock.channels.allegro import AllegroAdapter
from omnistock.channels.base import (
    ItemStatus,
    MalformedResponse,
    RateLimited,
    TransientChannelError,
    validate_report,
)
from omnistock.channels.http import HttpSettings, error_details
from omnistock.sandbox.allegro.commands import CommandKind


def _commands(harness: Harness, kind: CommandKind) -> set[str]:
    return {cid for k, cid in harness.sandbox.commands.commands if k is kind}


def _statuses(harness: Harness) -> dict[str, str]:
    assert harness.admin is not None
    rows = harness.admin.get("/_sandbox/offers/quantities").json()
    return {r["id"]: r["status"] for r in rows}


def test_one_quantity_uses_the_batch_id_as_command_id(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(5)}).values())
    pushed = batch("allegro", dict.fromkeys(offers, 8))
    report = allegro_channel.adapter.push(pushed)
    assert report.pending
    assert _commands(allegro_channel, CommandKind.QUANTITY) == {str(pushed.id)}
    final = settle(allegro_channel, pushed, report)
    assert {r.status for r in final.results} == {ItemStatus.OK}


def test_retry_of_the_same_batch_reuses_every_command_id(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(6)}).values())
    quantities = {o: 2 + n % 3 for n, o in enumerate(offers)}
    pushed = batch("allegro", quantities)
    allegro_channel.adapter.push(pushed)
    ids = _commands(allegro_channel, CommandKind.QUANTITY)
    assert ids == {str(uuid5(pushed.id, f"quantity:{v}")) for v in (2, 3, 4)}
    adapter: Any = allegro_channel.adapter
    restarted = AllegroAdapter(adapter.config, adapter.tokens.store, clock=adapter.tokens._clock)
    again = restarted.push(pushed)  # every PUT answers 409: already registered
    assert again.pending
    assert _commands(allegro_channel, CommandKind.QUANTITY) == ids
    final = validate_report(pushed, restarted.poll(pushed.id))
    assert {r.status for r in final.results} == {ItemStatus.OK}
    assert restarted.read_quantities(offers) == quantities
    restarted.close()


def test_zero_ends_and_resume_activates_with_commands(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 4 for n in range(5)}).values())
    ended = batch("allegro", dict.fromkeys(offers, 0), dict.fromkeys(offers, 4))
    settle(allegro_channel, ended, allegro_channel.adapter.push(ended))
    assert _commands(allegro_channel, CommandKind.PUBLICATION) == {str(ended.id)}
    assert {_statuses(allegro_channel)[o] for o in offers} == {"ENDED"}
    resumed = batch("allegro", dict.fromkeys(offers, 6), dict.fromkeys(offers, 0))
    first = allegro_channel.adapter.push(resumed)
    assert first.pending
    final = settle(allegro_channel, resumed, first)
    assert {r.status for r in final.results} == {ItemStatus.OK}
    assert str(uuid5(resumed.id, "activate")) in _commands(allegro_channel, CommandKind.PUBLICATION)
    assert {_statuses(allegro_channel)[o] for o in offers} == {"ACTIVE"}


def test_small_batches_are_single_offer_patches(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({"a": 0, "b": 5}).values())
    pushed = batch("allegro", {offers[0]: 3, offers[1]: 0}, {offers[0]: 0, offers[1]: 5})
    report = validate_report(pushed, allegro_channel.adapter.push(pushed))
    assert not report.pending
    assert _commands(allegro_channel, CommandKind.QUANTITY) == set()
    assert _statuses(allegro_channel) == {offers[0]: "ACTIVE", offers[1]: "ENDED"}


def test_patch_accepted_later_is_polled(allegro_channel: Harness) -> None:
    offer = allegro_channel.seed({"a": 5})["a"]
    allegro_channel.faults(async_delay_seconds=30)
    pushed = batch("allegro", {offer: 9})
    first = allegro_channel.adapter.push(pushed)
    assert first.pending
    assert allegro_channel.adapter.poll(pushed.id).pending
    final = settle(allegro_channel, pushed, first)
    assert final.results[0].status is ItemStatus.OK
    assert allegro_channel.adapter.read_quantities([offer]) == {offer: 9}


def test_slow_tasks_stay_pending_until_done(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(4)}).values())
    allegro_channel.faults(async_delay_seconds=60)
    pushed = batch("allegro", dict.fromkeys(offers, 7))
    allegro_channel.adapter.push(pushed)
    assert allegro_channel.adapter.poll(pushed.id).pending
    allegro_channel.advance(61)
    final = validate_report(pushed, allegro_channel.adapter.poll(pushed.id))
    assert {r.status for r in final.results} == {ItemStatus.OK}


def test_failed_tasks_are_retryable_or_permanent_by_code(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(4)}).values())
    allegro_channel.faults(partial_batch_failure_rate=1.0)
    pushed = batch("allegro", dict.fromkeys(offers, 7))
    final = settle(allegro_channel, pushed, allegro_channel.adapter.push(pushed))
    assert {(r.status, r.code) for r in final.results} == {
        (ItemStatus.RETRYABLE, "InternalServerErrorException")
    }


def test_overlapping_command_is_retryable(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(4)}).values())
    allegro_channel.faults(async_delay_seconds=60)
    first = batch("allegro", dict.fromkeys(offers, 7))
    allegro_channel.adapter.push(first)
    second = batch("allegro", dict.fromkeys(offers, 8))
    report = allegro_channel.adapter.push(second)
    final = validate_report(second, allegro_channel.adapter.poll(second.id))
    assert report.pending
    assert {(r.status, r.code) for r in final.results} == {
        (ItemStatus.RETRYABLE, "InProgressTaskLimitReachedException")
    }


@pytest.mark.parametrize(("retry_after", "expected"), [(True, 3.0), (False, None)])
def test_429_is_rate_limited_naming_channel_offer_and_code(
    allegro_channel: Harness, retry_after: bool, expected: float | None
) -> None:
    offer = allegro_channel.seed({"a": 5})["a"]
    allegro_channel.adapter.read_quantities([offer])  # token in hand
    burst = {"every": 1, "length": 100, "retry_after": retry_after, "retry_after_seconds": 3}
    allegro_channel.faults(burst_429=burst)
    allegro_channel.adapter.read_quantities([offer])  # the one request let through
    with pytest.raises(RateLimited) as caught:
        allegro_channel.adapter.push(batch("allegro", {offer: 1}))
    assert caught.value.retry_after == expected
    assert error_details(caught.value)["api_code"] == "TooManyRequestsException"
    assert f"offer {offer}" in str(caught.value)
    assert str(caught.value).startswith("allegro")


def test_5xx_is_transient(allegro_channel: Harness) -> None:
    offer = allegro_channel.seed({"a": 5})["a"]
    allegro_channel.adapter.read_quantities([offer])
    allegro_channel.faults(error_rate=1.0)
    with pytest.raises(TransientChannelError) as caught:
        allegro_channel.adapter.read_quantities([offer])
    assert caught.value.http_status in (500, 502, 503)


def test_unparseable_body_is_malformed(allegro_channel: Harness) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(4)}).values())
    assert allegro_channel.garble is not None
    allegro_channel.garble.prefix = "/sale/offer-quantity-change-commands"
    pushed = batch("allegro", dict.fromkeys(offers, 2))
    allegro_channel.adapter.push(pushed)
    with pytest.raises(MalformedResponse):
        allegro_channel.adapter.poll(pushed.id)


def test_order_events_become_order_lines_with_a_cursor(allegro_channel: Harness) -> None:
    offers = allegro_channel.seed({"a": 5, "b": 5})
    assert allegro_channel.admin is not None
    placed = allegro_channel.admin.post(
        "/_sandbox/orders",
        json={
            "lines": [
                {"offer_id": offers["a"], "quantity": 2},
                {"offer_id": offers["b"], "quantity": 1},
            ]
        },
    )
    assert placed.status_code == 201, placed.text
    form_id = placed.json()["id"]
    page = allegro_channel.adapter.poll_orders(None)
    lines = {(o.order_id, o.offer_id, o.quantity, o.status) for o in page.orders}
    assert (form_id, offers["a"], 2, "READY_FOR_PROCESSING") in lines
    assert (form_id, offers["b"], 1, "READY_FOR_PROCESSING") in lines
    assert not page.has_more
    assert "buyer" not in repr(page)
    again = allegro_channel.adapter.poll_orders(page.cursor)
    assert again.orders == ()
    assert again.cursor == page.cursor


def test_wrong_accept_header_is_refused_by_the_sandbox(allegro_channel: Harness) -> None:
    """The adapter's media type is what the API requires (control: a plain JSON Accept fails)."""
    adapter: Any = allegro_channel.adapter
    token = adapter.tokens.access_token()
    plain = httpx.get(
        f"{allegro_channel.extra['url']}/sale/offers",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        timeout=5,
    )
    assert plain.status_code == 406
    assert adapter.read_quantities([]) == {}


def test_duplicated_events_keep_the_cursor_on_the_highest_id(allegro_channel: Harness) -> None:
    offer = allegro_channel.seed({"a": 9})["a"]
    assert allegro_channel.admin is not None
    for _ in range(2):
        allegro_channel.admin.post(
            "/_sandbox/orders", json={"lines": [{"offer_id": offer, "quantity": 1}]}
        )
    allegro_channel.faults(duplicate_event_rate=1.0, reorder_events=True)
    page = allegro_channel.adapter.poll_orders(None)
    forms = [o.order_id for o in page.orders]
    assert len(set(forms)) == 2
    assert len(forms) > len(set(forms))  # duplicates reach the importer, which dedupes
    stats = allegro_channel.adapter.api.json("GET", "/order/event-stats")  # type: ignore[attr-defined]
    assert page.cursor == stats["latestEvent"]["id"]


class _Rendezvous(httpx.BaseTransport):
    """Holds every command PUT and task read until ``parties`` of them are in flight at once."""

    def __init__(self, parties: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.barrier = threading.Barrier(parties, timeout=10)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        held = "-commands/" in request.url.path
        if held:
            with self.lock:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
            self.barrier.wait()  # BrokenBarrierError if the calls were not concurrent
        try:
            return self.inner.handle_request(request)
        finally:
            if held:
                with self.lock:
                    self.in_flight -= 1

    def close(self) -> None:
        self.inner.close()


def test_commands_of_one_batch_are_sent_and_polled_four_at_a_time(
    allegro_channel: Harness,
) -> None:
    offers = list(allegro_channel.seed({f"o{n}": 1 for n in range(8)}).values())
    quantities = {o: 10 + n for n, o in enumerate(offers)}  # 8 distinct values: 8 commands
    adapter: Any = allegro_channel.adapter
    transport = _Rendezvous(parties=4)
    config = replace(adapter.config, http=HttpSettings(transport=transport))
    concurrent = AllegroAdapter(config, adapter.tokens.store, clock=adapter.tokens._clock)
    pushed = batch("allegro", quantities)
    report = concurrent.push(pushed)
    assert report.pending
    assert len(_commands(allegro_channel, CommandKind.QUANTITY)) == 8
    final = validate_report(
        pushed, settle(replace(allegro_channel, adapter=concurrent), pushed, report)
    )
    assert {r.status for r in final.results} == {ItemStatus.OK}
    assert transport.peak == 4
    assert concurrent.read_quantities(offers) == quantities
    concurrent.close()
