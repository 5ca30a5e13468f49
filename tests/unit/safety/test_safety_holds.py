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
    import_hold,
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
    same = {(CH, f"O{i}"): 0 for i in range(10)}
    cleared = reconfirm(set_hold(), same, import_id="imp-2", now=T0)
    assert cleared.status is HoldStatus.AUTO_CLEARED
    assert cleared.decided_by == "source:imp-2"


def test_reconfirmation_can_be_switched_off() -> None:
    same = {(CH, f"O{i}"): 0 for i in range(10)}
    kept = reconfirm(set_hold(), same, import_id="imp-2", now=T0, enabled=False)
    assert kept.status is HoldStatus.PENDING


def test_newer_different_values_supersede_the_hold() -> None:
    fixed = {(CH, f"O{i}"): 20 for i in range(10)}
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


def _verdict(channel: str, n: int, quantity: int):
    ch = ChannelId(channel)
    proposed = [
        ProposedChange(channel=ch, offer_id=f"O{i}", sku=Sku(f"S{i}"), previous=20,
                       quantity=quantity, observed_at=T0)
        for i in range(n)
    ]  # fmt: skip
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=20) for i in range(n)]
    return guard_change_set(proposed, current, {})


def test_import_hold_covers_every_channel_once_any_set_trips() -> None:
    verdicts = {ChannelId("allegro"): _verdict("allegro", 10, 0), CH: _verdict("shop", 4, 25)}
    hold = import_hold(verdicts, hold_id="h", cause="import:erp:ab", now=T0)
    assert hold is not None
    assert (hold.scope, hold.channel, hold.channels) == (HoldScope.SET, "*", ("allegro", "shop"))
    assert len(hold.items) == 14  # the shop's increases wait with the suspect import too
    assert {ch: len(o) for ch, o in hold.offers().items()} == {"allegro": 10, "shop": 4}
    assert "10 of 10 active listings on allegro" in hold.message
    # the same offer id on two accounts is two items, re-confirmed per account
    same = {(h.change.channel, h.change.offer_id): h.change.quantity for h in hold.items}
    assert reconfirm(hold, same, import_id="i2", now=T0).status is HoldStatus.AUTO_CLEARED
    other = {**same, ("shop", "O0"): 0}
    assert reconfirm(hold, other, import_id="i2", now=T0).status is HoldStatus.REJECTED


def test_import_hold_needs_a_tripped_set_and_a_cause() -> None:
    calm = {CH: _verdict("shop", 10, 18)}
    assert import_hold(calm, hold_id="h", cause="import:erp:ab", now=T0) is None
    one = {CH: _verdict("shop", 10, 0)}
    hold = import_hold(one, hold_id="h", cause="import:erp:ab", now=T0)
    assert hold is not None
    assert hold.channel == "shop"
    with pytest.raises(InvalidValue, match="names its import"):
        import_hold(one, hold_id="h", cause=" ", now=T0)


def test_decided_by_source_tells_a_person_from_the_next_import() -> None:
    by_source = reconfirm(set_hold(), {}, import_id="i9", now=T0)
    assert by_source.decided_by_source
    assert not reject(set_hold(), by="anna", now=T0).decided_by_source
