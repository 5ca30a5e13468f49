"""Issuing invoices for orders: who gets one, content, drafts on bad input, numbering untouched."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from invoice_harness import COMPANY, CONSUMER, SELLER_NIP, T0, Books
from sqlalchemy import Engine, select

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.invoicing import fa3
from omnistock.invoicing.nbp import TableRateSource
from omnistock.service import invoices as invoice_service
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoices import issue_for_order
from omnistock.store.invoice_repository import InvoiceStatus
from omnistock.store.invoice_tables import invoice_counters, invoices
from omnistock.store.order_tables import orders
from omnistock.store.tables import products


@pytest.fixture
def books(engine: Engine) -> Books:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    books.product("KUBEK-2", "0.12")
    return books


def issue(books: Books, order_id: int, **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("config", books.config)
    return issue_for_order(books.uow(), order_id, now=kw.pop("now", T0), sealer=books.sealer,
                           incidents=books.incidents, **kw)  # type: ignore[arg-type]  # fmt: skip


def counters(books: Books) -> list[tuple[str, str, int]]:
    with books.engine.connect() as conn:
        c = invoice_counters.c
        return [tuple(r) for r in conn.execute(select(c.series, c.period, c.last_seq))]  # type: ignore[misc]


def test_business_order_gets_a_valid_vat_invoice_when_paid(books: Books) -> None:
    order_id = books.order(COMPANY, [("KUBEK-1", 2), ("KUBEK-2", 3)])
    stored = issue(books, order_id)
    assert stored.status is InvoiceStatus.ISSUED
    assert stored.number == "FV/2026/11/0001"
    assert stored.xml is not None
    assert fa3.inspect(stored.xml).ok
    assert stored.sha256 == hashlib.sha256(stored.xml).hexdigest()
    text = stored.xml.decode()
    assert "<NIP>7740001454</NIP>" in text
    assert "Żółta Łódź" in text
    assert "<KodKraju>PL</KodKraju>" in text
    assert stored.gross == Decimal("24.96")  # 2 × 12.30 + 3 × 0.12
    assert stored.retention_until is not None
    assert stored.retention_until.date() == date(2031, 12, 31)  # 2032-01-01 00:00 Warsaw in UTC
    with books.engine.connect() as conn:  # the date privacy retention reads for invoice data
        invoiced_at = conn.execute(select(orders.c.invoiced_at).where(orders.c.id == order_id))
        assert invoiced_at.scalar_one() is not None


def test_issuing_again_returns_the_same_invoice_and_takes_no_number(books: Books) -> None:
    order_id = books.order(COMPANY, [("KUBEK-1", 1)])
    first = issue(books, order_id)
    again = issue(books, order_id, now=T0 + timedelta(hours=1))
    assert again.id == first.id
    assert again.number == first.number
    assert counters(books) == [("FV", "2026-11", 1)]


def test_consumer_gets_an_invoice_only_on_request_and_never_a_nip(books: Books) -> None:
    order_id = books.order(CONSUMER, [("KUBEK-1", 1)])
    with pytest.raises(Conflict) as caught:
        issue(books, order_id)
    assert caught.value.field == "request"
    stored = issue(books, order_id, request=True)
    assert stored.xml is not None
    text = stored.xml.decode()
    assert "<BrakID>1</BrakID>" in text
    assert "<NIP>" not in text.split("<Podmiot2>")[1].split("</Podmiot2>")[0]
    assert fa3.inspect(stored.xml).ok


def test_consumer_request_after_the_legal_window_is_refused(books: Books) -> None:
    order_id = books.order(CONSUMER, [("KUBEK-1", 1)])
    with pytest.raises(Conflict, match="window"):
        issue(books, order_id, request=True, now=T0 + timedelta(days=130))


def test_unpaid_order_is_not_invoiced(books: Books) -> None:
    order_id = books.order(COMPANY, [("KUBEK-1", 1)], status="new")
    with pytest.raises(Conflict):
        issue(books, order_id)
    assert counters(books) == []


@pytest.mark.parametrize(
    ("setup", "field"),
    [
        # the buyer's NIP has a wrong check digit
        ("bad_nip", "buyer.nip"),
        # the product's VAT code is not a rate FA(3) knows
        ("bad_vat", "lines[0].vat"),
        # the configuration lacks the seller's address
        ("no_seller", "seller.address"),
        # a discount line bigger than the goods: negative total
        ("negative", "total"),
    ],
)
def test_bad_input_leaves_a_draft_an_incident_and_the_numbering_untouched(
    books: Books, setup: str, field: str
) -> None:
    personal, sku = COMPANY, "KUBEK-1"
    if setup == "bad_nip":
        personal = dataclasses.replace(COMPANY, nip="7740001455")
    if setup == "bad_vat":
        books.product("X-17", "10.00", vat="17")
        sku = "X-17"
    if setup == "no_seller":
        books.config = InvoicingConfig.from_section({"nip": SELLER_NIP, "name": "Sklep"})
    if setup == "negative":
        books.product("RABAT", "-50.00")
    lines = [(sku, 1)] + ([("RABAT", 1)] if setup == "negative" else [])
    order_id = books.order(personal, lines)
    with pytest.raises(InvalidValue) as caught:
        issue(books, order_id)
    assert caught.value.field == field
    with books.engine.connect() as conn:
        row = conn.execute(select(invoices).where(invoices.c.order_id == order_id)).one()
    assert row.status == "draft"
    assert row.number is None
    assert field in row.error
    assert counters(books) == []
    assert books.incident_count() == 1


def test_a_fixed_draft_is_issued_with_the_first_number(books: Books) -> None:
    books.product("X-17", "10.00", vat="17")
    order_id = books.order(COMPANY, [("X-17", 1)])
    with pytest.raises(InvalidValue):
        issue(books, order_id)
    with books.engine.begin() as conn:
        conn.execute(products.update().where(products.c.sku == "X-17").values(vat="8"))
    stored = issue(books, order_id)
    assert stored.number == "FV/2026/11/0001"


def test_a_crash_after_taking_a_number_leaves_no_gap(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = books.order(COMPANY, [("KUBEK-1", 1)])
    second = books.order(COMPANY, [("KUBEK-1", 1)])

    def crash(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("worker died while rendering")

    monkeypatch.setattr(invoice_service, "render", crash)
    with pytest.raises(RuntimeError):
        issue(books, first)
    monkeypatch.undo()
    assert counters(books) == []
    assert issue(books, second).number == "FV/2026/11/0001"
    assert issue(books, first).number == "FV/2026/11/0002"


def test_delivery_cost_is_an_invoice_line(books: Books) -> None:
    order_id = books.order(COMPANY, [("KUBEK-1", 1)])
    with books.uow() as uow:
        uow.invoices.set_terms(order_id, currency="PLN", delivery_gross=Decimal("9.99"),
                               delivery_vat="23")  # fmt: skip
        uow.commit()
    stored = issue(books, order_id)
    assert stored.xml is not None
    assert "Koszt dostawy" in stored.xml.decode()
    assert stored.gross == Decimal("22.29")
    assert fa3.inspect(stored.xml).ok


def test_foreign_currency_uses_the_nbp_rate_of_the_last_working_day_before(books: Books) -> None:
    order_id = books.order(COMPANY, [("KUBEK-1", 10)])
    with books.uow() as uow:
        uow.invoices.set_terms(order_id, currency="EUR", delivery_gross=None, delivery_vat=None)
        uow.commit()
    # 2026-11-27 is a Friday: the rate of Thursday 26th; a rate on the 27th must not be used
    rates = TableRateSource({("EUR", date(2026, 11, 26)): Decimal("4.2345"),
                             ("EUR", date(2026, 11, 27)): Decimal("9.9999")})  # fmt: skip
    stored = issue(books, order_id, rates=rates)
    assert stored.xml is not None
    text = stored.xml.decode()
    assert "<KodWaluty>EUR</KodWaluty>" in text
    assert "<KursWaluty>4.2345</KursWaluty>" in text
    assert fa3.inspect(stored.xml).ok


@pytest.mark.timeout(60)
def test_workers_issuing_at_once_number_without_gaps_or_duplicates(books: Books) -> None:
    if books.engine.dialect.name == "sqlite":
        pytest.skip("one writer on SQLite; the concurrency proof is on PostgreSQL")
    order_ids = [books.order(COMPANY, [("KUBEK-1", 1)]) for _ in range(24)]
    errors: list[BaseException] = []

    def worker(mine: list[int]) -> None:
        try:
            for order_id in mine:
                issue(books, order_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(order_ids[n::6],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with books.engine.connect() as conn:
        numbers = sorted(conn.execute(select(invoices.c.number)).scalars())
    assert numbers == [f"FV/2026/11/{n:04d}" for n in range(1, 25)]


@pytest.mark.timeout(60)
def test_workers_issuing_the_same_order_at_once_make_one_invoice(books: Books) -> None:
    if books.engine.dialect.name == "sqlite":
        pytest.skip("one writer on SQLite; the concurrency proof is on PostgreSQL")
    order_ids = [books.order(COMPANY, [("KUBEK-1", 1)]) for _ in range(5)]
    results: list[tuple[int, int, str | None]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            for order_id in order_ids:
                stored = issue(books, order_id)
                results.append((order_id, stored.id, stored.number))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 20
    assert len({(order_id, invoice_id) for order_id, invoice_id, _ in results}) == 5
    assert sorted({number or "" for _, _, number in results}) == [
        f"FV/2026/11/{n:04d}" for n in range(1, 6)
    ]
    assert counters(books) == [("FV", "2026-11", 5)]
