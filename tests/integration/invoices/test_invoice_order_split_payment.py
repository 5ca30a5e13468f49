"""Split payment from an order: Annex 15 goods by product group or SKU, over 15 000 PLN, B2B."""

from __future__ import annotations

import dataclasses

import pytest
from invoice_harness import COMPANY, CONSUMER, T0, Books
from lxml import etree
from sqlalchemy import Engine, update

from omnistock.domain.errors import InvalidValue
from omnistock.invoicing import fa3
from omnistock.invoicing.fa3_schema import NS
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoices import issue_for_order
from omnistock.store.tables import products

F = "{" + NS + "}"


@pytest.fixture
def books(engine: Engine) -> Books:
    books = Books(engine)
    books.product("LAPTOP-1", "9000.00", name="Laptop 15 cali")
    books.product("KUBEK-1", "12.30")
    with engine.begin() as conn:
        conn.execute(update(products).where(products.c.sku == "LAPTOP-1")
                     .values(group_name="laptopy"))  # fmt: skip
    books.config = dataclasses.replace(books.config, annex15_groups=frozenset({"laptopy"}))
    return books


def flags(books: Books, personal: object, laptops: int) -> tuple[str | None, list[str | None]]:
    order_id = books.order(personal, [("LAPTOP-1", laptops), ("KUBEK-1", 1)],  # type: ignore[arg-type]
                           requested=True)  # fmt: skip
    stored = issue_for_order(books.uow(), order_id, request=True, now=T0, config=books.config,
                             sealer=books.sealer, incidents=books.incidents)  # fmt: skip
    assert stored.xml is not None
    assert fa3.inspect(stored.xml).ok  # XSD and omnistock's split-payment check
    fa = etree.fromstring(stored.xml).find(f"{F}Fa")
    rows = [row.findtext(f"{F}P_12_Zal_15") for row in fa.findall(f"{F}FaWiersz")]
    return fa.findtext(f"{F}Adnotacje/{F}P_18A"), rows


def test_annex_15_goods_over_15000_pln_to_a_business_are_split_payment(books: Books) -> None:
    assert flags(books, COMPANY, 2) == ("1", ["1", None])  # 18 012.30 PLN, only the laptop line


def test_at_15000_pln_or_below_or_to_a_consumer_no_split_payment(books: Books) -> None:
    assert flags(books, COMPANY, 1) == ("2", [None, None])
    assert flags(books, CONSUMER, 2) == ("2", [None, None])


def test_annex_15_by_sku_and_a_bad_setting_is_named() -> None:
    config = InvoicingConfig.from_section({"annex15_skus": ["PHONE-1"]})
    assert config.annex15("PHONE-1", None)
    assert not config.annex15("KUBEK-1", "kubki")
    with pytest.raises(InvalidValue) as caught:
        InvoicingConfig.from_section({"annex15_groups": "laptopy"})
    assert caught.value.field == "invoicing.annex15_groups"
