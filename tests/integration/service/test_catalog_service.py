"""Catalog use cases: products, kits, channel accounts and listings; bad input writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from service_helpers import T0, Uow, desired

from omnistock.domain.errors import (
    Duplicate,
    InvalidFile,
    InvalidValue,
    UnknownChannel,
    UnknownSku,
)
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, ChannelKind, Sku
from omnistock.domain.product import Product, VatRate
from omnistock.service import catalog, stock


def test_imported_products_round_trip(shop: Uow) -> None:
    products = {p.sku: p for p in catalog.list_products(shop())}
    assert sorted(products) == ["A", "B", "C", "D"]
    assert products[Sku("A")].price_gross == Decimal("19.99")
    assert products[Sku("A")].ean == "5901234123457"
    assert products[Sku("B")].vat is VatRate.R8
    assert products[Sku("A")].group == "kuchnia"
    assert products[Sku("C")].group is None
    assert products[Sku("C")].name == "Świeca"


def test_import_updates_existing_products(shop: Uow) -> None:
    catalog.import_products(shop(), "sku,name,ean,vat,price\nA,Kubek duży,,23,24.00\n", now=T0)
    product = next(p for p in catalog.list_products(shop()) if p.sku == "A")
    assert (product.name, product.price_gross) == ("Kubek duży", Decimal("24.00"))


def test_bad_product_file_writes_nothing(uow: Uow) -> None:
    with pytest.raises(InvalidFile) as raised:
        catalog.import_products(uow(), "sku,name,ean,vat,price\nA,Kubek,,23,1\nB,X,123,23,1\n")
    assert (raised.value.line, raised.value.column) == (3, "ean")
    assert catalog.list_products(uow()) == []


def test_adding_a_product_twice_is_a_duplicate(uow: Uow) -> None:
    catalog.add_product(uow(), Product(sku=Sku("A"), name="Kubek"))
    with pytest.raises(Duplicate) as raised:
        catalog.add_product(uow(), Product(sku=Sku("A"), name="Inny"))
    assert raised.value.field == "sku"
    assert [p.name for p in catalog.list_products(uow())] == ["Kubek"]


def test_channels_are_unique_and_of_a_known_kind(shop: Uow) -> None:
    with pytest.raises(Duplicate):
        catalog.add_channel(shop(), "allegro", ChannelKind.ALLEGRO, now=T0)
    with pytest.raises(InvalidValue) as raised:
        catalog.add_channel(shop(), "ebay", "ebay", now=T0)
    assert raised.value.field == "kind"
    assert [c.name for c in catalog.list_channels(shop())] == ["allegro", "shop"]


@pytest.mark.parametrize(
    ("sku", "channel", "offer", "error", "field"),
    [
        ("NOPE", "allegro", "x-1", UnknownSku, "sku"),  # no such product
        ("A", "ebay", "x-1", UnknownChannel, "channel"),  # no such channel account
        ("D", "allegro", "allegro-A", Duplicate, "offer_id"),  # offer belongs to A
        ("A", "allegro", "allegro-other", Duplicate, "sku"),  # A already listed there
    ],
)
def test_bad_links_are_refused(
    shop: Uow, sku: str, channel: str, offer: str, error: type[Exception], field: str
) -> None:
    before = catalog.list_listings(shop())
    with pytest.raises(error) as raised:
        catalog.link_listing(shop(), Sku(sku), ChannelId(channel), offer, now=T0)
    assert getattr(raised.value, "field", None) == field
    assert catalog.list_listings(shop()) == before


def test_linking_the_same_offer_again_changes_nothing(shop: Uow) -> None:
    before = catalog.list_listings(shop())
    catalog.link_listing(shop(), Sku("A"), ChannelId("allegro"), "allegro-A", now=T0)
    assert catalog.list_listings(shop()) == before


def test_listings_of_one_channel(shop: Uow) -> None:
    only = catalog.list_listings(shop(), ChannelId("shop"))
    assert {(lst.channel, lst.offer_id) for lst in only} == {
        ("shop", "shop-A"),
        ("shop", "shop-B"),
        ("shop", "shop-C"),
    }
    with pytest.raises(UnknownChannel):
        catalog.list_listings(shop(), ChannelId("ebay"))


def test_new_listing_gets_its_desired_quantity_at_once(shop: Uow) -> None:
    stock.set_stock(shop(), Sku("A"), 4, warehouse=DEFAULT_WAREHOUSE, actor="t", now=T0)
    catalog.add_channel(shop(), "meta", ChannelKind.META, now=T0)
    catalog.link_listing(shop(), Sku("A"), ChannelId("meta"), "meta-A", now=T0)
    assert desired(shop)[("meta", "A")] == 4


def test_kit_listing_follows_its_components(shop: Uow) -> None:
    catalog.import_products(shop(), "sku,name,ean,vat,price\nKIT,Zestaw,,23,30.00\n", now=T0)
    catalog.set_bundle(shop(), Sku("KIT"), {Sku("A"): 2, Sku("B"): 1}, now=T0)
    catalog.link_listing(shop(), Sku("KIT"), ChannelId("shop"), "shop-KIT", now=T0)
    stock.import_stock(
        shop(), "sku,warehouse,on_hand\nA,main,7\nB,main,5\n", source="f", actor="t", now=T0
    )
    assert desired(shop)[("shop", "KIT")] == 3  # min(7 // 2, 5 // 1)
    stock.adjust_stock(shop(), Sku("B"), -4, warehouse=DEFAULT_WAREHOUSE, actor="t", now=T0)
    assert desired(shop)[("shop", "KIT")] == 1  # a component change recomputes the kit


def test_kit_of_unknown_or_itself_is_refused(shop: Uow) -> None:
    with pytest.raises(UnknownSku):
        catalog.set_bundle(shop(), Sku("A"), {Sku("NOPE"): 1}, now=T0)
    with pytest.raises(InvalidValue):
        catalog.set_bundle(shop(), Sku("A"), {Sku("A"): 1}, now=T0)
    catalog.set_bundle(shop(), Sku("A"), {Sku("B"): 1}, now=T0)
    with pytest.raises(InvalidValue):  # B containing A would be a cycle
        catalog.set_bundle(shop(), Sku("B"), {Sku("A"): 1}, now=T0)
