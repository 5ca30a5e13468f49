"""Every check type passes a good listing and fails a bad one; missing fields never crash."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
    check,
    parse_pack,
)
from omnistock.domain.compliance.compile import compile_check
from omnistock.domain.compliance.parse import parse_check

FULL = ListingContent(
    offer="100",
    channel="allegro",
    title="Kubek emaliowany Jeż 300 ml",
    description=("<p>Kubek z emalii</p>",),
    images=(Image(url="https://img/1.jpg", width=800, height=600, size=120_000),),
    category="257931",
    parameters=(Parameter(id="11323", name="Stan", values=("Nowy",)),),
    gtin="5901234123457",
    condition="Nowy",
    price=Decimal("19.99"),
    currency="PLN",
    shipping=ShippingRates(id="s1", type="PHYSICAL", dispatch_country="PL"),
    after_sales=AfterSales(return_policy="default", implied_warranty="default"),
    gpsr=Gpsr(responsible_producer="p1", responsible_person="r1", safety_text="Uwaga"),
)
EMPTY = ListingContent(offer="200")


def run(spec: dict, listing: ListingContent) -> str | None:
    found = compile_check(parse_check(spec, ("check",)))(listing)
    return None if found is None else found.en


# (check spec, a listing that passes, a listing that fails, words expected in the failure)
CASES = [
    # present: a value is there / blank text is missing
    ({"type": "present", "field": "gtin"}, FULL, replace(FULL, gtin="  "), "missing"),
    # length range on the title
    ({"type": "length", "field": "title", "min": 12, "max": 75}, FULL,
     replace(FULL, title="Kubek"), "5 characters"),
    # word count
    ({"type": "word_count", "field": "title", "min": 3}, FULL,
     replace(FULL, title="Kubekemaliowanyjeż"), "1 words"),
    # count range over a list (an empty list counts 0, it is not "missing")
    ({"type": "count", "field": "images", "min": 1, "max": 2}, FULL,
     replace(FULL, images=()), "0 items"),
    # numeric range
    ({"type": "range", "field": "price", "min": "0.01"}, FULL,
     replace(FULL, price=Decimal("0")), "allowed ≥ 0.01"),
    # regex must match
    ({"type": "regex", "field": "gtin", "pattern": r"^\d{13}$"}, FULL,
     replace(FULL, gtin="59012"), "wrong format"),
    # regex must not match (forbid)
    ({"type": "regex", "field": "title", "pattern": "[!$?]", "forbid": True}, FULL,
     replace(FULL, title="Kubek TANIO!!! teraz"), "forbidden '!'"),
    # one of a list of values (case-insensitive)
    ({"type": "one_of", "field": "shipping.type", "values": ["PHYSICAL", "ELECTRONIC"]}, FULL,
     replace(FULL, shipping=ShippingRates(type="PIGEON")), "allowed: PHYSICAL"),
    # one of, forbidden values
    ({"type": "one_of", "field": "condition", "values": ["nowy"], "forbid": True},
     replace(FULL, condition="Używany"), FULL, "must not be 'Nowy'"),
    # required if another field has a value
    ({"type": "required_if", "field": "shipping.dispatch_country",
      "when": {"field": "shipping.type", "equals": "PHYSICAL"}},
     replace(FULL, shipping=ShippingRates(type="ELECTRONIC")),
     replace(FULL, shipping=ShippingRates(type="PHYSICAL")), "missing"),
    # image dimensions: longer side ≥ 500
    ({"type": "image_size", "field": "images", "longer_side_min": 500}, FULL,
     replace(FULL, images=(Image(url="u", width=300, height=499),)), "300×499 px"),
    # each item of a list satisfies a check on the item's fields
    ({"type": "each", "field": "images",
      "check": {"type": "regex", "field": "url", "pattern": "^https://"}}, FULL,
     replace(FULL, images=(*FULL.images, Image(url="http://x"))), "images[2]: url"),
    # parameter by name
    ({"type": "present", "field": "parameter:stan"}, FULL, EMPTY, "missing"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "good", "bad", "words"), CASES)
def test_each_check_type_passes_and_fails(spec, good, bad, words) -> None:
    assert run(spec, good) is None
    failure = run(spec, bad)
    assert failure is not None
    assert words in failure


@pytest.mark.parametrize("spec", [c[0] for c in CASES])
def test_an_empty_listing_never_crashes(spec) -> None:
    run(spec, EMPTY)  # returns a finding or None, never raises


def test_if_missing_pass_skips_absent_values_but_still_checks_present_ones() -> None:
    spec = {"type": "regex", "field": "gtin", "pattern": r"^\d{13}$", "if_missing": "pass"}
    assert run(spec, EMPTY) is None
    assert run(spec, replace(FULL, gtin="12")) is not None


def test_image_size_with_unknown_dimensions_fails_unless_told_to_pass() -> None:
    unknown = replace(FULL, images=(Image(url="u"),))
    spec = {"type": "image_size", "field": "images", "longer_side_min": 500}
    assert "dimensions unknown" in (run(spec, unknown) or "")
    assert run({**spec, "if_missing": "pass"}, unknown) is None


def test_each_inner_check_sees_text_items_as_value() -> None:
    spec = {"type": "each", "field": "description.images",
            "check": {"type": "regex", "field": "value", "pattern": "^https://"}}  # fmt: skip
    assert run(spec, replace(FULL, description_images=("https://a",))) is None
    assert run(spec, replace(FULL, description_images=("ftp://a",))) is not None


def test_messages_exist_in_polish_and_english() -> None:
    spec = parse_check({"type": "length", "field": "title", "min": 12}, ("check",))
    found = compile_check(spec)(replace(FULL, title="Kubek"))
    assert found is not None
    assert "znaków" in found.pl
    assert "characters" in found.en


def _pack(**rule) -> dict:
    base = {
        "id": "r1",
        "severity": "error",
        "effective_from": "2025-05-07",
        "source": "https://example.org/news",
        "description": {"pl": "Opis", "en": "Description"},
        "check": {"type": "length", "field": "title", "min": 12},
    }
    return {"pack": "p", "channel": "allegro", "version": "1", "rules": [{**base, **rule}]}


def test_rule_until_ends_it_and_when_limits_it() -> None:
    pack = parse_pack(_pack(until="2025-06-01"))
    short = replace(FULL, title="Kubek")
    assert check([short], [pack], date(2025, 5, 31)).violations
    assert not check([short], [pack], date(2025, 6, 1)).violations
    limited = parse_pack(_pack(when={"field": "condition", "equals": "Używany"}))
    assert not check([short], [limited], date(2025, 6, 1)).violations


def test_packs_apply_to_their_channel_and_to_listings_without_one() -> None:
    pack = parse_pack(_pack())
    short = replace(FULL, title="Kubek")
    on_amazon = replace(short, offer="2", channel="amazon")
    no_channel = replace(short, offer="3", channel=None)
    report = check([short, on_amazon, no_channel], [pack], date(2025, 6, 1))
    assert [v.offer for v in report.violations] == ["100", "3"]


def test_negative_upcoming_days_is_rejected() -> None:
    with pytest.raises(Exception, match="upcoming_days"):
        check([FULL], [parse_pack(_pack())], date(2025, 6, 1), upcoming_days=-1)
