"""P_6, the payment date and the NBP rate day come from the order's payment and delivery dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from invoice_harness import COMPANY, T0, Books
from lxml import etree
from sqlalchemy import Engine, update

from omnistock.invoicing import fa3
from omnistock.invoicing.fa3_schema import NS
from omnistock.invoicing.nbp import TableRateSource
from omnistock.service.invoices import issue_for_order
from omnistock.store.invoice_repository import StoredInvoice
from omnistock.store.order_tables import orders

F = "{" + NS + "}"


@pytest.fixture
def books(engine: Engine) -> Books:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    return books


def issued(books: Books, *, rates: TableRateSource | None = None, **order: object) -> StoredInvoice:
    order_id = books.order(COMPANY, [("KUBEK-1", 1)], status=str(order.pop("status", "paid")))
    with books.engine.begin() as conn:
        conn.execute(update(orders).where(orders.c.id == order_id).values(**order))
    if rates is not None:
        with books.uow() as uow:
            uow.invoices.set_terms(order_id, currency="EUR", delivery_gross=None, delivery_vat=None)
            uow.commit()
    return issue_for_order(books.uow(), order_id, now=T0, config=books.config, sealer=books.sealer,
                           incidents=books.incidents, rates=rates)  # fmt: skip


def fields(stored: StoredInvoice) -> dict[str, str | None]:
    assert stored.xml is not None
    assert fa3.inspect(stored.xml).ok  # XSD + arithmetic, with P_6 where it is written
    fa = etree.fromstring(stored.xml).find(f"{F}Fa")
    return {
        "P_1": fa.findtext(f"{F}P_1"),
        "P_6": fa.findtext(f"{F}P_6"),
        "DataZaplaty": fa.findtext(f"{F}Platnosc/{F}DataZaplaty"),
        "KursWaluty": fa.findtext(f"{F}FaWiersz/{F}KursWaluty"),
    }


def test_paid_before_the_issue_day_p6_is_the_payment_day(books: Books) -> None:
    stored = issued(books, channel_updated_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    assert fields(stored) == {"P_1": "2026-11-27", "P_6": "2026-11-24",
                              "DataZaplaty": "2026-11-24", "KursWaluty": None}  # fmt: skip


def test_shipped_order_p6_is_the_delivery_day_and_the_payment_day_stays(books: Books) -> None:
    stored = issued(
        books,
        status="shipped",
        channel_updated_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        delivered_at=datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
    )
    found = fields(stored)
    assert (found["P_6"], found["DataZaplaty"]) == ("2026-11-25", "2026-11-20")


def test_paid_on_the_issue_day_in_poland_writes_no_p6(books: Books) -> None:
    # 23:30 UTC on the 26th is 00:30 on the 27th in Warsaw: the issue day, so no P_6
    stored = issued(books, channel_updated_at=datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    found = fields(stored)
    assert found["P_6"] is None
    assert found["DataZaplaty"] == "2026-11-27"


def test_a_date_after_the_issue_is_never_written(books: Books) -> None:
    stored = issued(books, channel_updated_at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    found = fields(stored)
    assert found["P_6"] is None
    assert found["DataZaplaty"] == "2026-11-27"


def test_foreign_currency_rate_is_of_the_working_day_before_the_payment(books: Books) -> None:
    # paid Tuesday 24th, invoiced Friday 27th: the tax point is the payment → Monday 23rd's rate
    rates = TableRateSource({(cur, day): Decimal(rate) for cur, day, rate in (
        ("EUR", date(2026, 11, 23), "4.2100"), ("EUR", date(2026, 11, 26), "4.2345"))})  # fmt: skip
    stored = issued(books, rates=rates, channel_updated_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    found = fields(stored)
    assert found["P_6"] == "2026-11-24"
    assert found["KursWaluty"] == "4.21"


def test_the_stored_payment_time_wins_over_the_channel_update_time(books: Books) -> None:
    # paid Monday 23rd 22:30 UTC (Tuesday 24th in Warsaw), the channel's last update on the 26th:
    # DataZaplaty/P_6 are the payment day and the rate is of the working day before it (23rd)
    rates = TableRateSource({(cur, day): Decimal(rate) for cur, day, rate in (
        ("EUR", date(2026, 11, 23), "4.2100"), ("EUR", date(2026, 11, 25), "4.2345"))})  # fmt: skip
    stored = issued(books, rates=rates, paid_at=datetime(2026, 11, 23, 23, 30, tzinfo=UTC),
                    channel_updated_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # fmt: skip
    assert fields(stored) == {"P_1": "2026-11-27", "P_6": "2026-11-24",
                              "DataZaplaty": "2026-11-24", "KursWaluty": "4.21"}  # fmt: skip
