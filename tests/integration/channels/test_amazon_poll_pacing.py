"""Amazon result polls keep each operation's own rate and never block; push operations' budgets."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from channel_harness import Harness, batch

from omnistock.channels.amazon import AmazonAdapter
from omnistock.channels.base import ItemStatus, validate_report
from omnistock.channels.pacing import Pacer
from omnistock.sync import budget as bud

LISTING = "/listings/2021-08-01/items"


def _gets(harness: Harness, path: str) -> int:
    assert harness.admin is not None
    found = harness.admin.get("/_sandbox/requests", params={"path": path}).json()
    return sum(1 for r in found if r["method"] == "GET")


def _adapter(harness: Harness, **pacers: Pacer) -> AmazonAdapter:
    config = harness.extra["config"]
    return AmazonAdapter(config, clock=harness.sandbox.clock.now, **pacers)  # type: ignore[attr-defined]


def test_accepted_patches_are_read_after_a_delay_then_at_doubling_intervals(
    amazon_channel: Harness,
) -> None:
    skus = list(amazon_channel.seed({"a": 1, "b": 1}).values())
    amazon_channel.faults(async_delay_seconds=12)
    adapter = amazon_channel.adapter
    pushed = batch("amazon", dict.fromkeys(skus, 7))
    assert adapter.push(pushed).pending
    reads = [_gets(amazon_channel, LISTING)]
    for _ in range(4):  # four passes within patch_first_read_s: nothing read
        assert adapter.poll(pushed.id).pending
        amazon_channel.advance(1)
    reads.append(_gets(amazon_channel, LISTING))
    amazon_channel.advance(1)  # 5 s: first read, Amazon has not applied it yet
    assert adapter.poll(pushed.id).pending
    reads.append(_gets(amazon_channel, LISTING))
    amazon_channel.advance(5)  # 10 s: the next read is due at 15 s
    assert adapter.poll(pushed.id).pending
    reads.append(_gets(amazon_channel, LISTING))
    amazon_channel.advance(5)
    final = validate_report(pushed, adapter.poll(pushed.id))
    reads.append(_gets(amazon_channel, LISTING))
    assert [r.status for r in final.results] == [ItemStatus.OK, ItemStatus.OK]
    assert [n - reads[0] for n in reads[1:]] == [0, 2, 2, 4]  # two reads per SKU in all


def test_polls_without_a_token_answer_pending_at_once_instead_of_waiting(
    amazon_channel: Harness,
) -> None:
    skus = list(amazon_channel.seed({f"s{n}": 1 for n in range(8)}).values())
    amazon_channel.faults(async_delay_seconds=600)  # Amazon is slow: everything stays pending
    starved = {
        "read_pacer": Pacer(rate=0.001, burst=1),
        "feed_poll_pacer": Pacer(rate=0.001, burst=1),
    }
    adapter = _adapter(amazon_channel, **starved)
    try:
        patched = batch("amazon", dict.fromkeys(skus[:2], 5))
        fed = batch("amazon", dict.fromkeys(skus, 6))
        assert adapter.push(patched).pending
        assert adapter.push(fed).pending
        amazon_channel.advance(120)  # past the first patch read
        before = (_gets(amazon_channel, LISTING), _gets(amazon_channel, "/feeds/2021-06-30/feeds"))
        started = time.monotonic()
        for _ in range(3):
            assert adapter.poll(patched.id).pending  # one token: one SKU read, then none
            assert adapter.poll(fed.id).pending  # the only getFeed token went on the first
        assert time.monotonic() - started < 2.0  # nothing slept for a token
        after = (_gets(amazon_channel, LISTING), _gets(amazon_channel, "/feeds/2021-06-30/feeds"))
        assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    finally:
        adapter.close()


def test_feed_budget_spaces_feeds_and_never_exceeds_five_in_300_s(
    amazon_channel: Harness,
) -> None:
    ops = {op.name: op for op in amazon_channel.adapter.capabilities.operations}
    assert ops["patch"].max_items == 5
    assert ops["patch"].requests_per_item
    feed = ops["feed"]
    spec = bud.BudgetSpec(
        requests=feed.limits.requests_per_window,
        changes=feed.limits.changes_per_window,
        window_s=feed.limits.window_s,
        burst=feed.burst,
    )
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    state, sent = bud.full_budget(spec, t0), []
    for second in range(1800):  # a feed wanted every second for half an hour
        now = t0 + timedelta(seconds=second)
        try:
            state = bud.spend(spec, state, changes=500, now=now)
        except bud.BudgetExhausted:
            continue
        sent.append(second)
    assert all(sum(1 for s in sent if t <= s < t + 300) <= 5 for t in range(1800))
    assert len(sent) == 24  # one at once, then one every 75 s
    assert {b - a for a, b in pairwise(sent)} == {75}
