"""The in-memory channel fake and the report validation of ``channels.base``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from omnistock.channels.base import (
    BatchNotFound,
    ItemResult,
    ItemStatus,
    MalformedResponse,
    PermanentChannelError,
    PushBatch,
    PushItem,
    PushReport,
    RateLimited,
    TransientChannelError,
    validate_report,
)
from omnistock.channels.fake import Fault, FaultKind, InMemoryChannel, default_capabilities
from omnistock.domain.ids import ChannelId, Sku

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _batch(*pairs: tuple[str, int]) -> PushBatch:
    items = tuple(
        PushItem(offer_id=o, sku=Sku(o), quantity=q, previous=None, observed_at=T0)
        for o, q in pairs
    )
    return PushBatch(id=uuid4(), channel=ChannelId("fake"), items=items)


def test_applies_quantities_and_answers_per_item() -> None:
    channel = InMemoryChannel(missing_offers=["gone"])
    batch = _batch(("a", 3), ("gone", 1))
    report = validate_report(batch, channel.push(batch))
    assert {r.offer_id: r.status for r in report.results} == {
        "a": ItemStatus.OK,
        "gone": ItemStatus.PERMANENT,
    }
    assert channel.read_quantities(["a", "gone"]) == {"a": 3}


def test_same_batch_id_twice_is_not_applied_twice() -> None:
    channel = InMemoryChannel()
    batch = _batch(("a", 3))
    channel.push(batch)
    channel.set_quantity("a", 10)
    channel.push(batch)
    assert channel.quantity("a") == 10
    assert channel.commands == 1
    assert [r.duplicate for r in channel.call_log] == [False, True]


def test_scripted_faults_are_consumed_in_order() -> None:
    channel = InMemoryChannel()
    channel.script(
        Fault(kind=FaultKind.RATE_LIMIT, retry_after=7),
        Fault(kind=FaultKind.RATE_LIMIT),
        Fault(kind=FaultKind.SERVER_ERROR),
        Fault(kind=FaultKind.LOST_RESPONSE),
    )
    batch = _batch(("a", 1))
    with pytest.raises(RateLimited) as first:
        channel.push(batch)
    assert first.value.retry_after == 7
    with pytest.raises(RateLimited) as second:
        channel.push(batch)
    assert second.value.retry_after is None
    with pytest.raises(TransientChannelError):
        channel.push(batch)
    assert channel.quantity("a") == 0
    with pytest.raises(TransientChannelError):
        channel.push(batch)
    assert channel.quantity("a") == 1  # applied, answer lost
    assert channel.poll(batch.id).results[0].status is ItemStatus.OK


def test_rejects_oversized_batches() -> None:
    channel = InMemoryChannel(capabilities=default_capabilities(max_batch=2))
    batch = _batch(("a", 1), ("b", 1), ("c", 1))
    with pytest.raises(PermanentChannelError):
        channel.push(batch)
    assert channel.oversized == [batch.id]


def test_zero_ends_the_offer_when_zero_means_end() -> None:
    channel = InMemoryChannel(capabilities=default_capabilities(zero_means_end=True))
    channel.push(_batch(("a", 4)))
    channel.push(_batch(("a", 0)))
    assert channel.ended == {"a"}
    assert channel.read_quantities(["a"]) == {"a": 0}
    channel.push(_batch(("a", 2)))
    assert channel.ended == frozenset()
    channel.push(_batch(("new", 0)))  # ended before ever having stock: still reads as 0
    assert channel.read_quantities(["new"]) == {"new": 0}


def test_async_results_arrive_after_polls() -> None:
    channel = InMemoryChannel(
        capabilities=default_capabilities(async_results=True), polls_until_done=2
    )
    batch = _batch(("a", 5))
    assert channel.push(batch).pending
    assert channel.poll(batch.id).pending
    assert channel.poll(batch.id).pending
    assert not channel.poll(batch.id).pending
    with pytest.raises(BatchNotFound):
        channel.poll(uuid4())


def test_state_survives_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "channel.json"
    first = InMemoryChannel(path=path, offers={"a": 1})
    batch = _batch(("a", 6))
    first.push(batch)
    second = InMemoryChannel(path=path)
    assert second.quantity("a") == 6
    assert second.received == [batch.id]


def test_foreign_result_is_malformed() -> None:
    channel = InMemoryChannel()
    channel.script(Fault(kind=FaultKind.FOREIGN_RESULT))
    batch = _batch(("a", 1))
    with pytest.raises(MalformedResponse):
        validate_report(batch, channel.push(batch))


@pytest.mark.parametrize(
    "results",
    [
        (),  # nothing answered
        (ItemResult(offer_id="a", status=ItemStatus.OK),) * 2,  # duplicated
        (ItemResult(offer_id="x", status=ItemStatus.OK),),  # not in the batch
    ],
)
def test_validate_report_rejects_mismatched_results(results: tuple[ItemResult, ...]) -> None:
    batch = _batch(("a", 1))
    with pytest.raises(MalformedResponse):
        validate_report(batch, PushReport(batch_id=batch.id, results=results))


def test_validate_report_rejects_other_batch_id() -> None:
    batch = _batch(("a", 1))
    ok = (ItemResult(offer_id="a", status=ItemStatus.OK),)
    with pytest.raises(MalformedResponse):
        validate_report(batch, PushReport(batch_id=uuid4(), results=ok))
