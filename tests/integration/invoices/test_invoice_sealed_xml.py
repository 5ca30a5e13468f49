"""``invoices.xml`` is sealed: no buyer value in the raw database, the exact XML read back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from invoice_harness import BUYER_NIP, COMPANY, T0, Books
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import make_url

from omnistock.invoicing import fa3
from omnistock.privacy.cipher import DecryptionFailed, is_sealed
from omnistock.privacy.scan import database_files, plaintext_hits
from omnistock.service.invoices import find_invoice, issue_for_order
from omnistock.store.engine import make_engine
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.invoice_tables import invoices


@pytest.fixture
def books(engine: Engine) -> Books:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    return books


def _issue(books: Books, order_id: int):  # type: ignore[no-untyped-def]
    return issue_for_order(books.uow(), order_id, now=T0, config=books.config,
                           sealer=books.sealer, incidents=books.incidents)  # fmt: skip


def _raw(engine: Engine, invoice_id: int) -> str:
    with engine.connect() as conn:
        query = select(invoices.c.xml).where(invoices.c.id == invoice_id)
        return str(conn.execute(query).scalar_one())


def test_the_raw_database_holds_no_buyer_value_and_the_xml_reads_back_exactly(
    books: Books, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the raw-file scan reads the SQLite file")
    stored = _issue(books, books.order(COMPANY, [("KUBEK-1", 1)]))
    xml = stored.xml
    assert xml is not None
    assert fa3.inspect(xml).ok
    assert f"<NIP>{BUYER_NIP}</NIP>" in xml.decode()
    assert stored.sha256 == hashlib.sha256(xml).hexdigest()  # KSeF gets the plain XML's hash
    assert is_sealed(_raw(books.engine, stored.id))
    again = find_invoice(books.uow(), str(stored.number))
    assert again.xml == xml
    assert COMPANY.invoice is not None
    books.engine.dispose()
    files = database_files(Path(make_url(db_url).database or ""))
    values = {COMPANY.invoice.company, COMPANY.invoice.street, BUYER_NIP, "Gdańsk"}
    assert plaintext_hits(files, values) == {}


def test_reading_the_xml_with_other_keys_fails_and_finding_needs_no_keys(books: Books) -> None:
    stored = _issue(books, books.order(COMPANY, [("KUBEK-1", 1)]))
    other = Books(books.engine)  # other random keys, same key id
    found = find_invoice(InvoiceUnitOfWork(books.engine, other.sealer.sealer), str(stored.number))
    assert found.number == stored.number
    with pytest.raises(DecryptionFailed):
        _ = found.xml


def test_a_document_stored_in_clear_before_sealing_is_read_then_sealed_by_the_next_issue(
    books: Books,
) -> None:
    first = _issue(books, books.order(COMPANY, [("KUBEK-1", 1)]))
    plain = first.xml
    assert plain is not None
    with books.engine.begin() as conn:  # as migration 0010 leaves a row written before sealing
        conn.execute(update(invoices).where(invoices.c.id == first.id)
                     .values(xml=plain.decode("utf-8")))  # fmt: skip
    assert find_invoice(books.uow(), str(first.number)).xml == plain
    second = _issue(books, books.order(COMPANY, [("KUBEK-1", 2)]))  # this process: scanned once
    assert not is_sealed(_raw(books.engine, first.id))
    restarted = Books(make_engine(books.engine.url.render_as_string(hide_password=False)),
                      sealer=books.sealer)  # a process started after migration 0010  # fmt: skip
    try:
        _issue(restarted, restarted.order(COMPANY, [("KUBEK-1", 3)]))
    finally:
        restarted.engine.dispose()
    assert is_sealed(_raw(books.engine, first.id))
    assert is_sealed(_raw(books.engine, second.id))
    assert find_invoice(books.uow(), str(first.number)).xml == plain
