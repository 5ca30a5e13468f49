"""Occurrences made from guard verdicts and source checks."""

from __future__ import annotations

from datetime import UTC, datetime

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import IncidentKind, Severity, record_many
from omnistock.domain.incidents.sources import from_feed_check, from_verdict, stale_source
from omnistock.domain.safety import (
    ActiveListing,
    FeedSummary,
    ProposedChange,
    check_feed,
    guard_change_set,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def change(i: int, old: int, new: object) -> ProposedChange:
    return ProposedChange(channel=ChannelId("shop"), offer_id=f"O{i}", sku=Sku(f"S{i}"),
                          previous=old, quantity=new, observed_at=T0)  # type: ignore[arg-type]  # fmt: skip


def test_item_holds_and_sanity_errors_become_occurrences() -> None:
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=120) for i in range(10)]
    verdict = guard_change_set([change(0, 120, 0), change(1, 120, -5)], current, {})
    found = from_verdict(verdict, "shop")
    assert [(o.kind, o.severity) for o in found] == [
        (IncidentKind.HELD_ITEM, Severity.WARNING),
        (IncidentKind.SANITY_ERROR, Severity.ERROR),
    ]


def test_set_hold_without_cause_is_per_channel() -> None:
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku(f"S{i}"), quantity=9) for i in range(5)]
    verdict = guard_change_set([change(i, 9, 0) for i in range(5)], current, {})
    (occ,) = from_verdict(verdict, "shop")
    assert (occ.kind, occ.severity, occ.key) == (
        IncidentKind.GUARD_HOLD,
        Severity.CRITICAL,
        "guard_hold:shop:change-set",
    )


def test_feed_rejection_and_stale_source() -> None:
    empty = FeedSummary(source="erp", produced_at=T0, skus=frozenset())
    occ = from_feed_check(check_feed(empty, usual_count=10, now=T0), "erp")
    assert occ is not None
    assert (occ.kind, occ.subject) == (IncidentKind.FEED_REJECTED, "erp empty")
    full = FeedSummary(source="erp", produced_at=T0, skus=frozenset({Sku("A")}))
    assert from_feed_check(check_feed(full, usual_count=1, now=T0), "erp") is None
    incidents = record_many({}, [stale_source("erp", 12)] * 3, T0)
    assert [i.count for i in incidents.values()] == [3]
