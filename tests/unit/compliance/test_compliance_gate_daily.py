"""The push gate (error rules in force only) and the daily run (alert once per new violation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from omnistock.compliance.packs import shipped_packs
from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    Lang,
    ListingContent,
    PushGate,
    ShippingRates,
    daily_run,
)

GOOD = ListingContent(
    offer="1",
    channel="allegro",
    title="Kubek emaliowany Jeż 300 ml",
    images=(Image(url="https://i/1", width=900, height=900),),
    shipping=ShippingRates(type="PHYSICAL", dispatch_country="PL"),
    after_sales=AfterSales(),  # warnings only: never block
    gpsr=Gpsr(responsible_producer="p", responsible_person="r", safety_text="Uwaga"),
)


def test_gate_blocks_only_error_rules_in_force() -> None:
    packs = shipped_packs(("allegro",))
    gate = PushGate.for_packs(packs, date(2025, 6, 1))
    assert gate.reason(GOOD) is None
    short = replace(GOOD, title="Kubek")
    reason = gate.reason(short, Lang.EN)
    assert reason is not None
    assert reason.startswith("allegro/title.length: Change the title to 12–75 characters.")
    assert "allegro/title.words" in reason
    earlier = PushGate.for_packs(packs, date(2025, 5, 6))
    assert earlier.reason(short) is None
    assert gate.reason(replace(short, channel="amazon")) is None  # other channel's listing


def test_daily_run_alerts_once_and_again_after_a_fix_is_undone() -> None:
    packs = shipped_packs(("allegro",))
    day = date(2026, 7, 1)
    broken = replace(GOOD, shipping=ShippingRates())
    first = daily_run([broken, replace(broken, offer="2")], packs, day)
    assert [(a.rule, a.count) for a in first.alerts] == [("shipping.type", 2)]
    second = daily_run([broken, replace(broken, offer="2")], packs, day, first.known)
    assert second.alerts == ()
    fixed = daily_run([GOOD, replace(broken, offer="2")], packs, day, second.known)
    assert fixed.alerts == ()
    again = daily_run([broken, replace(broken, offer="2")], packs, day, fixed.known)
    assert [(a.rule, a.count, a.offers) for a in again.alerts] == [("shipping.type", 1, ("1",))]
