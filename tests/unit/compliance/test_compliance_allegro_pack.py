"""Each shipped Allegro rule: a listing that passes, one that fails, and its real start date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from omnistock.compliance.packs import shipped_packs
from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
    check,
)

GOOD = ListingContent(
    offer="7001",
    channel="allegro",
    title="Kubek emaliowany Jeż 300 ml",
    images=(Image(url="https://a.allegroimg.com/1", width=1200, height=800),),
    parameters=(Parameter(id="11323", name="Stan", values=("Nowy",)),),
    condition="Nowy",
    price=Decimal("19.99"),
    shipping=ShippingRates(id="s1", type="PHYSICAL", dispatch_country="PL"),
    after_sales=AfterSales(return_policy="default", implied_warranty="default"),
    gpsr=Gpsr(responsible_producer="prod-1", responsible_person="pers-1", safety_text="Uwaga"),
)
USED_OLD = replace(
    GOOD, condition="Używany", gpsr=Gpsr(marketed_before_obligation=True)
)  # placed on the market before GPSR: no producer or safety data needed
MANY = tuple(Image(url=f"https://i/{n}", width=800, height=800) for n in range(16))

# rule id → (effective_from from reference/allegro.md, a listing breaking only that rule)
RULES = {
    "title.length": (date(2025, 5, 7), replace(GOOD, title="Kubek Jeż 3")),
    "title.words": (date(2025, 5, 7), replace(GOOD, title="Kubek-emaliowany-Jeż")),
    "images.at-least-one": (date(2023, 3, 20), replace(GOOD, images=())),
    "images.at-most-16-own": (
        date(2023, 3, 20),
        replace(GOOD, images=MANY, description_images=("https://i/desc",)),
    ),
    "images.longer-side-500": (
        date(2024, 1, 1),
        replace(GOOD, images=(Image(url="https://i/s", width=499, height=320),)),
    ),
    "gpsr.responsible-producer": (
        date(2024, 12, 13),
        replace(GOOD, gpsr=replace(GOOD.gpsr, responsible_producer=None)),
    ),
    "gpsr.safety-information": (
        date(2024, 12, 13),
        replace(GOOD, gpsr=replace(GOOD.gpsr, safety_text=None)),
    ),
    "gpsr.safety-text-length": (
        date(2024, 12, 13),
        replace(GOOD, gpsr=replace(GOOD.gpsr, safety_text="x" * 5001)),
    ),
    "gpsr.responsible-person": (
        date(2024, 12, 13),
        replace(GOOD, gpsr=replace(GOOD.gpsr, responsible_person=None)),
    ),
    "gpsr.no-safety-information-restricted": (
        date(2025, 6, 1),
        replace(GOOD, gpsr=replace(GOOD.gpsr, safety_type="NO_SAFETY_INFORMATION")),
    ),
    "gpsr.marketed-before-only-used": (
        date(2025, 8, 12),
        replace(USED_OLD, condition="Nowy"),
    ),
    "shipping.type": (date(2026, 7, 22), replace(GOOD, shipping=ShippingRates(id="s1"))),
    "shipping.dispatch-country": (
        date(2026, 7, 22),
        replace(GOOD, shipping=ShippingRates(id="s1", type="PHYSICAL", dispatch_country="pol")),
    ),
    "after-sales.return-policy": (
        date(2024, 1, 1),
        replace(GOOD, after_sales=AfterSales(implied_warranty="default")),
    ),
    "after-sales.implied-warranty": (
        date(2024, 1, 1),
        replace(GOOD, after_sales=AfterSales(return_policy="default")),
    ),
}


@pytest.fixture(scope="module")
def allegro():
    return shipped_packs(("allegro",))


def _rules(report):
    return sorted({v.rule.id for v in report.violations})


def test_every_shipped_rule_is_covered(allegro) -> None:
    assert sorted(r.id for r in allegro[0].rules) == sorted(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_good_and_fails_bad_listing_from_its_date(allegro, rule_id) -> None:
    start, bad = RULES[rule_id]
    (pack,) = allegro
    rule = next(r for r in pack.rules if r.id == rule_id)
    assert rule.effective_from == start
    assert rule.source.startswith("https://")
    assert rule.description.pl
    assert rule.description.en
    assert not check([GOOD, USED_OLD], allegro, start).violations
    assert _rules(check([bad], allegro, start)) == [rule_id]
    assert rule_id not in _rules(check([bad], allegro, start - timedelta(days=1)))


def test_as_of_before_and_after_the_title_rule_differ(allegro) -> None:
    bad = RULES["title.length"][1]
    before = check([bad], allegro, date(2025, 5, 6), upcoming_days=30)
    after = check([bad], allegro, date(2025, 5, 7), upcoming_days=30)
    assert "title.length" not in _rules(before)
    assert [v.rule.id for v in before.upcoming] == ["title.length"]
    assert "title.length" in _rules(after)
    assert not after.upcoming


def test_upcoming_window_is_counted_in_days(allegro) -> None:
    bad = RULES["shipping.type"][1]
    assert check([bad], allegro, date(2026, 6, 22), upcoming_days=30).upcoming
    assert not check([bad], allegro, date(2026, 6, 21), upcoming_days=30).upcoming
    assert not check([bad], allegro, date(2026, 6, 22), upcoming_days=0).upcoming


def test_marketed_before_gpsr_skips_producer_and_safety_until_it_is_restricted(allegro) -> None:
    new_old = replace(USED_OLD, condition="Nowy")
    assert not check([new_old], allegro, date(2025, 8, 11)).violations
    assert _rules(check([new_old], allegro, date(2025, 8, 12))) == [
        "gpsr.marketed-before-only-used"
    ]


def test_an_empty_listing_is_reported_not_crashed(allegro) -> None:
    report = check([ListingContent(offer="1", channel="allegro")], allegro, date(2026, 11, 27))
    assert {"title.length", "gpsr.responsible-producer", "shipping.type"} <= set(_rules(report))
