"""The worker's order polling: per-account intervals; a 429 or a down channel never breaks it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from omnistock.channels.base import RateLimited, TransientChannelError
from omnistock.service import order_polling
from omnistock.service.clock import FixedClock
from omnistock.service.order_polling import OrderPolling, PolledFeed
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import ImportSummary

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Feed:
    def __init__(self, channel: str) -> None:
        self.channel = channel


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replaces ``import_channel``: records calls; a feed's queued errors are raised first."""
    state: dict[str, Any] = {"calls": [], "errors": {}}

    def fake_import(uow: Any, feed: Feed, **kwargs: Any) -> ImportSummary:
        state["calls"].append(feed.channel)
        queued = state["errors"].get(feed.channel) or []
        if queued:
            raise queued.pop(0)
        return ImportSummary(channel=feed.channel)  # type: ignore[arg-type]

    monkeypatch.setattr(order_polling, "import_channel", fake_import)
    return state


def _polling(**every: float) -> OrderPolling:
    feeds = {name: PolledFeed(feed=Feed(name), every_s=s) for name, s in every.items()}  # type: ignore[arg-type]
    return OrderPolling(
        feeds,
        uow_factory=lambda: None,  # type: ignore[arg-type, return-value]
        sealer=None,  # type: ignore[arg-type]
        contacts=ContactPolicy(),
        clock=FixedClock(T0),
    )


def test_each_account_is_polled_at_its_own_interval(calls: dict[str, Any]) -> None:
    polling = _polling(allegro=30, amazon=180)
    for second in range(0, 361, 30):
        polling(T0 + timedelta(seconds=second))
    assert calls["calls"].count("allegro") == 13  # 0, 30, …, 360
    assert calls["calls"].count("amazon") == 3  # 0, 180, 360


def test_rate_limited_account_waits_for_retry_after_and_others_go_on(
    calls: dict[str, Any],
) -> None:
    calls["errors"]["amazon"] = [RateLimited("429", channel="amazon", retry_after=600)]
    polling = _polling(amazon=180, shop=60)
    polling(T0)  # amazon answers 429; the shop is still imported in the same tick
    assert calls["calls"] == ["amazon", "shop"]
    assert polling.last["amazon"] == "RateLimited"
    assert polling.next_at["amazon"] == T0 + timedelta(seconds=600)
    polling(T0 + timedelta(seconds=300))
    assert calls["calls"].count("amazon") == 1  # still waiting for Retry-After
    polling(T0 + timedelta(seconds=600))
    assert calls["calls"].count("amazon") == 2


def test_a_channel_down_is_retried_after_one_interval(calls: dict[str, Any]) -> None:
    calls["errors"]["shop"] = [TransientChannelError("503", channel="shop")]
    polling = _polling(shop=60)
    polling(T0)
    assert polling.last["shop"] == "TransientChannelError"
    polling(T0 + timedelta(seconds=60))
    assert isinstance(polling.last["shop"], ImportSummary)
