"""Listings from CSV, JSON and Allegro offer JSON: thin rows are fine, wrong types are not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from omnistock.compliance.allegro_offer import from_allegro_offer, with_shipping_rates
from omnistock.compliance.listings import load_listings, parse_csv, parse_json
from omnistock.domain.errors import InvalidFile, InvalidValue

CSV = (
    "offer;channel;title;images;parameters;price;shipping_type;marketed_before_gpsr;"
    "safety_attachments\n"
    '1;allegro;Kubek emaliowany Jeż;"https://i/1.jpg|800|600|1200 ; https://i/2.jpg";'
    'Stan=Nowy;19,99;PHYSICAL;nie;"a1;a2"\n'
    "2;;;;;;;;\n"
)


def test_csv_rows_become_listings_and_empty_cells_are_missing() -> None:
    full, thin = parse_csv(CSV, "l.csv")
    assert full.title == "Kubek emaliowany Jeż"
    assert full.images[0].longer_side == 800
    assert full.images[0].size == 1200
    assert full.images[1].width is None
    assert full.parameter("stan") == ("Nowy",)
    assert full.price == Decimal("19.99")
    assert full.shipping.type == "PHYSICAL"
    assert full.gpsr.marketed_before_obligation is False
    assert full.gpsr.safety_attachments == ("a1", "a2")
    assert thin.offer == "2"
    assert (thin.title, thin.channel, thin.images, thin.price) == (None, None, (), None)


def test_csv_errors_name_line_and_column() -> None:
    with pytest.raises(InvalidFile, match=r"line 3, column 'images\[0\].width'"):
        parse_csv("offer,images\n1,https://a|800|600\n2,https://b|wide|600\n", "l.csv")
    with pytest.raises(InvalidFile, match="unknown column"):
        parse_csv("offer,titel\n1,x\n", "l.csv")
    with pytest.raises(InvalidFile, match="more cells than columns"):
        parse_csv("offer;title\n1;a;b\n", "l.csv")
    with pytest.raises(InvalidFile, match="no 'offer' column"):
        parse_csv("title\nx\n", "l.csv")


def test_json_listings_in_omnistock_shape() -> None:
    text = """{"listings": [{"offer": "9", "title": "Kubek emaliowany Jeż",
      "images": [{"url": "https://i/1", "width": 600, "height": 600}],
      "parameters": {"Stan": "Używany"},
      "gpsr": {"marketed_before_obligation": true, "safety_attachments": ["x"]}}]}"""
    (listing,) = parse_json(text, "l.json")
    assert listing.images[0].longer_side == 600
    assert listing.parameter("STAN") == ("Używany",)
    assert listing.gpsr.marketed_before_obligation is True


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[{"offer": "1", "titel": "x"}]', "unknown key(s) titel"),
        ('[{"offer": "1", "images": [{"url": "u", "width": -3}]}]', "images[0].width"),
        ('[{"title": "x"}]', "needs an offer id"),
        ('[{"offer": "1", "price": "cheap"}]', "price"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_bad_json_is_rejected_naming_the_listing_and_field(text, words) -> None:
    with pytest.raises(InvalidFile) as raised:
        parse_json(text, "l.json")
    assert words in str(raised.value)
    assert "l.json" in str(raised.value)


def test_load_listings_picks_the_format_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("offer,title\n1,Kubek\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('[{"offer": "2"}]', encoding="utf-8")
    assert load_listings(tmp_path / "a.csv")[0].title == "Kubek"
    assert load_listings(tmp_path / "a.json")[0].offer == "2"
    with pytest.raises(InvalidFile, match=r"json or \.csv"):
        load_listings(tmp_path / "a.xlsx")


# Shaped like SaleProductOfferResponseV1 in reference/allegro/openapi.yaml
ALLEGRO_OFFER = {
    "id": "12394584234",
    "name": "Kubek emaliowany Jeż 300 ml",
    "category": {"id": "257931"},
    "images": ["https://a.allegroimg.com/original/12068b/1", "https://a.allegroimg.com/original/2"],
    "description": {
        "sections": [
            {"items": [{"type": "TEXT", "content": "<p>Emalia</p>"}]},
            {"items": [{"type": "IMAGE", "url": "https://a.allegroimg.com/original/3"}]},
        ]
    },
    "parameters": [{"id": "11323", "name": "Stan", "values": ["Nowy"], "valuesIds": ["11323_1"]}],
    "productSet": [
        {
            "product": {
                "id": "p-1",
                "parameters": [{"id": "225693", "name": "EAN (GTIN)", "values": ["5901234123457"]}],
            },
            "quantity": {"value": 1},
            "responsibleProducer": {"id": "33960380-98fe-4b3d-b69e-b261526f2730"},
            "responsiblePerson": {"id": "570c928f-39ac-4838-93bb-eb829bc2136f"},
            "safetyInformation": {"type": "TEXT", "description": "Contains small parts"},
            "marketedBeforeGPSRObligation": None,
        }
    ],
    "sellingMode": {"format": "BUY_NOW", "price": {"amount": "19.99", "currency": "PLN"}},
    "delivery": {"handlingTime": "PT24H", "shippingRates": {"id": "rates-1"}},
    "afterSalesServices": {
        "returnPolicy": {"id": "rp-1"},
        "impliedWarranty": {"name": "default"},
        "warranty": None,
    },
}


def test_allegro_offer_json_maps_every_content_field() -> None:
    listing = from_allegro_offer(ALLEGRO_OFFER)
    assert listing.offer == "12394584234"
    assert listing.channel == "allegro"
    assert listing.title == "Kubek emaliowany Jeż 300 ml"
    assert listing.category == "257931"
    assert len(listing.images) == 2
    assert listing.description == ("<p>Emalia</p>",)
    assert listing.description_images == ("https://a.allegroimg.com/original/3",)
    assert listing.condition == "Nowy"
    assert listing.gtin == "5901234123457"
    assert listing.price == Decimal("19.99")
    assert listing.currency == "PLN"
    assert listing.shipping.id == "rates-1"
    assert listing.after_sales.return_policy == "rp-1"
    assert listing.after_sales.implied_warranty == "default"
    assert listing.after_sales.warranty is None
    assert listing.gpsr.responsible_producer == "33960380-98fe-4b3d-b69e-b261526f2730"
    assert listing.gpsr.safety_type == "TEXT"
    assert listing.gpsr.safety_text == "Contains small parts"
    assert listing.gpsr.marketed_before_obligation is None
    rated = with_shipping_rates(
        listing, {"id": "rates-1", "type": "PHYSICAL", "dispatchCountry": "PL"}
    )
    assert (rated.shipping.type, rated.shipping.dispatch_country) == ("PHYSICAL", "PL")


def test_gpsr_counts_only_when_every_product_of_a_set_has_it() -> None:
    second = {"product": {"id": "p-2"}, "safetyInformation": {"type": "NO_SAFETY_INFORMATION"}}
    offer = {**ALLEGRO_OFFER, "productSet": [*ALLEGRO_OFFER["productSet"], second]}
    listing = from_allegro_offer(offer)
    assert listing.gpsr.responsible_producer is None
    assert listing.gpsr.safety_text is None
    assert listing.gpsr.safety_type == "NO_SAFETY_INFORMATION"


def test_a_bare_allegro_offer_maps_with_everything_missing() -> None:
    listing = from_allegro_offer({"id": "1", "sellingMode": {}})
    assert (listing.title, listing.images, listing.gpsr.responsible_producer) == (None, (), None)
    with pytest.raises(InvalidValue, match="id"):
        from_allegro_offer({"name": "x"})


def test_json_file_may_hold_allegro_offers() -> None:
    import json

    (listing,) = parse_json(json.dumps([ALLEGRO_OFFER]), "offers.json")
    assert listing.gtin == "5901234123457"
