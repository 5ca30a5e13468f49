"""Each shipped Amazon rule: a listing that passes, one that fails; no date the reference lacks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from omnistock.compliance.packs import shipped_packs
from omnistock.domain.compliance import Image, ListingContent, check

GOOD = ListingContent(
    offer="B0001",
    channel="amazon",
    title="Enamel Mug Hedgehog 300 ml, White",
    description=("Enamel mug for tea and coffee.",),
    images=(Image(url="https://m.media-amazon.com/1.jpg"),),
)
BROKEN = {
    "title.max-200": replace(GOOD, title="Enamel mug " + "x" * 190),
    "title.special-characters": replace(GOOD, title="Enamel Mug Hedgehog 300 ml!"),
    "title.repeated-words": replace(GOOD, title="Enamel Hedgehog Enamel Mug Enamel 300 ml"),
    "title.promotional-phrases": replace(GOOD, title="Enamel Mug 300 ml free shipping"),
    "title.no-contact-details": replace(GOOD, title="Enamel Mug 300 ml www.example.com"),
    "content.no-contact-details": replace(GOOD, description=("Write to shop@example.com",)),
    "images.main-image": replace(GOOD, images=()),
}
PACK = shipped_packs(("amazon",))
DAY = date(2026, 11, 27)


def test_every_shipped_amazon_rule_is_covered_and_undated() -> None:
    rules = PACK[0].rules
    assert {r.id for r in rules} == set(BROKEN)
    # reference/market.md and channels.md give no Amazon content rule dates: all undated
    assert {r.effective_from for r in rules} == {date(2024, 1, 1)}
    assert check([GOOD], PACK, DAY).violations == ()


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_listing_breaking_one_rule_is_reported_for_that_rule(rule: str) -> None:
    found = check([BROKEN[rule]], PACK, DAY).violations
    assert {v.rule.id for v in found} == {rule}
