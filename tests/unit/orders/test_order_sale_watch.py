"""Early order polls: a watched listing showing fewer units than expected polls its feed at
once (one poll per drop), within the feed's documented request plan, never while backing off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from omnistock.channels.base import RateLimited, TransientChannelError
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.listing import Listing
from omnistock.service import order_polling
from omnistock.service.clock import FixedClock
from omnistock.service.order_polling import OrderPolling, PolledFeed, PollQuota
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import ImportSummary
from omnistock.service.orders_signals import SaleWatch, drops, watched

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _listing(offer: str, desired: int | None, pushed: int | None) -> Listing:
    return Listing(
        channel=ChannelId("amazon"), sku=Sku(offer), offer_id=offer, desired=desired,
        last_pushed=pushed,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("listings", "expected"),
    [
        # few units left: watched, expecting what was last pushed (not desired: a sale on
        # another channel lowers desired as much as an unseen sale lowers this channel)
        ([("a", 1, 2)], {"a": 2}),
        # plenty of units, nothing to sell, never pushed: not worth a read
        ([("a", 9, 9), ("b", 0, 0), ("c", 2, None)], {}),
        # the fewest units first, at most max_offers (2 here)
        ([("a", 5, 5), ("b", 1, 1), ("c", 3, 4)], {"b": 1, "c": 4}),
    ],
)
def test_watched_listings(listings: list[tuple[str, Any, Any]], expected: dict[str, int]) -> None:
    made = [_listing(*row) for row in listings]
    assert watched(made, watch_at=5, max_offers=2) == expected


def test_drops_are_offers_showing_fewer_units_than_expected() -> None:
    assert drops({"a": 3, "b": 2, "c": 1}, {"a": 1, "b": 3}) == {("a", 1)}  # c: not read (404)


class Feed:
    channel = "amazon"


class Store:
    def __init__(self, listings: list[Listing]) -> None:
        self.listings = self
        self.rows = listings

    def list(self, channel: ChannelId) -> list[Listing]:
        return [row for row in self.rows if row.channel == channel]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Probe:
    def __init__(self) -> None:
        self.shown: dict[str, int] = {"amz-1": 3}
        self.reads = 0
        self.error: Exception | None = None

    def __call__(self, offers: Sequence[str]) -> Mapping[str, int]:
        self.reads += 1
        if self.error is not None:
            raise self.error
        return {offer: self.shown[offer] for offer in offers if offer in self.shown}


@pytest.fixture
def imports(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    made: list[Any] = []

    def fake_import(uow: Any, feed: Feed, **kwargs: Any) -> ImportSummary:
        made.append(kwargs["clock"].now())
        return ImportSummary(channel=feed.channel)  # type: ignore[arg-type]

    monkeypatch.setattr(order_polling, "import_channel", fake_import)
    return made


def _polling(probe: Probe, quota: PollQuota | None = None) -> tuple[OrderPolling, Store]:
    store = Store([_listing("amz-1", 3, 3)])
    watch = SaleWatch(probe=probe, every_s=10)
    feed = PolledFeed(feed=Feed(), every_s=180, watch=watch, quota=quota)  # type: ignore[arg-type]
    polling = OrderPolling(
        {"amazon": feed},
        uow_factory=lambda: store,  # type: ignore[arg-type, return-value]
        sealer=None,  # type: ignore[arg-type]
        contacts=ContactPolicy(),
        clock=FixedClock(T0),
    )
    return polling, store


def test_a_drop_on_a_watched_listing_polls_at_once_and_only_once(imports: list[Any]) -> None:
    probe = Probe()
    polling, store = _polling(probe)
    polling(T0)  # the regular first poll
    polling(T0 + timedelta(seconds=10))  # nothing sold: no early poll
    assert len(imports) == 1
    probe.shown["amz-1"] = 2  # a buyer took one unit on the channel
    polling(T0 + timedelta(seconds=15))  # the watch reads every 10 s only
    assert len(imports) == 1
    polling(T0 + timedelta(seconds=20))
    assert len(imports) == 2  # polled 160 s before the regular interval
    assert polling.early_polls == {"amazon": 1}
    polling(T0 + timedelta(seconds=30))  # the same drop again (not imported yet): no new poll
    assert len(imports) == 2
    store.rows = [_listing("amz-1", 2, 2)]  # imported: omnistock now expects 2
    probe.shown["amz-1"] = 1  # the next sale
    polling(T0 + timedelta(seconds=40))
    assert len(imports) == 3
    assert probe.reads == 4


def test_early_polls_wait_while_backing_off_a_429(imports: list[Any]) -> None:
    probe = Probe()
    polling, _ = _polling(probe)
    polling.quiet_until["amazon"] = T0 + timedelta(seconds=300)
    polling.next_at["amazon"] = T0 + timedelta(seconds=300)
    probe.shown["amz-1"] = 0
    polling(T0 + timedelta(seconds=20))
    assert (imports, probe.reads) == ([], 0)
    polling(T0 + timedelta(seconds=300))
    assert len(imports) == 1


def test_a_failed_read_is_no_sale(imports: list[Any]) -> None:
    probe = Probe()
    polling, _ = _polling(probe)
    polling(T0)
    probe.error = TransientChannelError("503", channel="amazon")
    polling(T0 + timedelta(seconds=10))
    assert len(imports) == 1


def test_regular_polls_keep_the_reserve_for_early_polls(imports: list[Any]) -> None:
    probe = Probe()
    quota = PollQuota(rate_per_s=1 / 180, burst=3, reserve=1)
    polling, store = _polling(probe, quota)
    polling(T0)
    polling(T0 + timedelta(seconds=180))  # 3 calls, 1 kept: regular polls go on
    assert len(imports) == 2
    for n, sold in enumerate((2, 1, 0)):  # three sales 10 s apart: early polls use the reserve
        probe.shown["amz-1"] = sold
        store.rows = [_listing("amz-1", sold + 1, sold + 1)]
        polling(T0 + timedelta(seconds=190 + 10 * n))
    assert len(imports) == 4  # the third early poll found the bucket empty
    assert polling.early_polls == {"amazon": 2}
    polling(T0 + timedelta(seconds=360))  # regular poll: waits until the reserve is back
    assert len(imports) == 4
    assert polling.next_at["amazon"] > T0 + timedelta(seconds=360)


def test_a_429_empties_the_counted_bucket(
    imports: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def limited(uow: Any, feed: Feed, **kwargs: Any) -> ImportSummary:
        raise RateLimited("429", channel="amazon")

    monkeypatch.setattr(order_polling, "import_channel", limited)
    polling, _ = _polling(Probe(), PollQuota(rate_per_s=1 / 180, burst=20, reserve=5))
    polling(T0)
    assert polling.last["amazon"] == "RateLimited"
    assert polling.quiet_until["amazon"] == T0 + timedelta(seconds=180)
    polling(T0 + timedelta(seconds=180))  # 1 call refilled; waits for 5 more
    assert polling.next_at["amazon"] == T0 + timedelta(seconds=180 + 5 * 180)


def test_a_failed_read_of_one_listing_does_not_hide_a_sale_on_another(
    imports: list[Any],
) -> None:
    class Flaky(Probe):
        def __call__(self, offers: Sequence[str]) -> Mapping[str, int]:
            if offers == ["amz-2"]:
                raise TransientChannelError("503", channel="amazon")
            return super().__call__(offers)

    probe = Flaky()
    polling, store = _polling(probe)
    store.rows = [_listing("amz-2", 1, 1), _listing("amz-1", 3, 3)]
    polling(T0)
    probe.shown["amz-1"] = 2
    polling(T0 + timedelta(seconds=10))
    assert len(imports) == 2  # amz-2 unreadable (tried twice), amz-1's sale still seen
    assert probe.reads == 1  # amz-1 read once; amz-2 failed twice
