"""Holds: made from a verdict, decided once by a person or by the source's next import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.safety import (
    ActiveListing,
    HoldScope,
    HoldStatus,
    ProposedChange,
    approve,
    guard_change_set,
    holds_from_verdict,
    reconfirm,
    reject,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CH = ChannelId("shop")


def zero_all(n: int = 10):
    proposed = [
        ProposedChange(
            channel=CH, offer_id=f"O{i}", sku=Sku(f"S{i}"), previous=20, quantity=0, observed_at=T0
        )
        for i in range(n)
    ]
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=20) for i in range(n)]
    return guard_change_set(proposed, current, {})


def set_hold():
    (hold,) = holds_from_verdict(zero_all(), ids=["h1"], channel=CH, now=T0)
    return hold


def test_set_verdict_makes_one_set_hold() -> None:
    hold = set_hold()
    assert hold.scope is HoldScope.SET
    assert hold.status is HoldStatus.PENDING
    assert len(hold.items) == 10


def test_item_verdict_makes_one_hold_per_item() -> None:
    proposed = [
        ProposedChange(channel=CH, offer_id=f"O{i}", sku=Sku(f"S{i}"), previous=120, quantity=0,
                       observed_at=T0)
        for i in range(2)
    ]  # fmt: skip
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=120) for i in range(10)]
    verdict = guard_change_set(proposed, current, {})
    holds = holds_from_verdict(verdict, ids=["a", "b"], channel=CH, now=T0)
    assert [h.scope for h in holds] == [HoldScope.ITEM, HoldScope.ITEM]
    with pytest.raises(InvalidValue):
        holds_from_verdict(verdict, ids=["a"], channel=CH, now=T0)


def test_approve_and_reject_record_who_and_when_once() -> None:
    later = T0 + timedelta(minutes=3)
    approved = approve(set_hold(), by="anna", now=later, note="stocktake")
    assert (approved.status, approved.decided_by, approved.decided_at) == (
        HoldStatus.APPROVED,
        "anna",
        later,
    )
    with pytest.raises(Conflict):
        reject(approved, by="anna", now=later)
    assert reject(set_hold(), by="jan", now=later).status is HoldStatus.REJECTED
    with pytest.raises(InvalidValue):
        approve(set_hold(), by=" ", now=later)


def test_source_reconfirming_same_values_clears_the_hold() -> None:
    cleared = reconfirm(set_hold(), {f"O{i}": 0 for i in range(10)}, import_id="imp-2", now=T0)
    assert cleared.status is HoldStatus.AUTO_CLEARED
    assert cleared.decided_by == "source:imp-2"


def test_reconfirmation_can_be_switched_off() -> None:
    same = {f"O{i}": 0 for i in range(10)}
    kept = reconfirm(set_hold(), same, import_id="imp-2", now=T0, enabled=False)
    assert kept.status is HoldStatus.PENDING


def test_newer_different_values_supersede_the_hold() -> None:
    fixed = {f"O{i}": 20 for i in range(10)}
    superseded = reconfirm(set_hold(), fixed, import_id="imp-3", now=T0)
    assert superseded.status is HoldStatus.REJECTED
    assert "superseded" in superseded.note


def test_reconfirm_leaves_decided_holds_alone() -> None:
    approved = approve(set_hold(), by="anna", now=T0)
    assert reconfirm(approved, {}, import_id="x", now=T0) is approved


def test_reread_sends_only_values_confirmed_twice() -> None:
    from omnistock.domain.safety import reread

    batch = [
        ProposedChange(channel=CH, offer_id=f"O{i}", sku=Sku(f"S{i}"), previous=5, quantity=3,
                       observed_at=T0)
        for i in range(4)
    ]  # fmt: skip
    fresh = {"O0": 3, "O1": 2, "O2": None}  # O1 changed, O2 unknown now, O3 missing
    result = reread(batch, fresh)
    assert [c.offer_id for c in result.send] == ["O0"]
    assert [c.offer_id for c in result.replan] == ["O1", "O2", "O3"]
