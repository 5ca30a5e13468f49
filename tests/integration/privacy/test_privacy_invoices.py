"""Invoices are found by the person's keyed look-up hashes (e-mail, phone, buyer id): an access
request exports them (and their corrections), an erasure keeps them under legal retention and
says why. SQLite always, PostgreSQL when ``OMNISTOCK_TEST_PG`` is set."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

sys.path.insert(0, str(Path(__file__).parents[1] / "invoices"))

from invoice_harness import COMPANY, T0, Books
from privacy_helpers import BOTH_RING, NEW_ONLY, OLD_RING

from omnistock.domain.invoicing.ksef_number import ksef_checksum
from omnistock.privacy.cipher import DecryptionFailed, FieldCipher
from omnistock.privacy.inventory import DATA_MAP
from omnistock.privacy.retention import TAX_ZONE
from omnistock.privacy.rotation import rotate
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import LOOKUP_KEPT, SubjectQuery
from omnistock.service.invoices import correct, issue_for_order
from omnistock.service.order_privacy import PrivacySealer
from omnistock.service.privacy_jobs import Prepared, prepare_rotation
from omnistock.service.privacy_requests import erase_person, export_person
from omnistock.store.engine import make_engine
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.invoice_tables import invoices
from omnistock.store.order_tables import orders

BUYER = dataclasses.replace(
    COMPANY, email="jan.kowalski@example.pl", phone="600 100 200", buyer_ref="allegro:4711"
)
KSEF_BODY = "5261040828-20261127-0100001AF629"
OTHER = dataclasses.replace(COMPANY, email="ktos@example.pl", phone="601 000 000", buyer_ref="x:1")


def _invoiced(books: Books) -> tuple[int, int, int]:
    """(order id, invoice id, correction id) of BUYER; OTHER has an order and invoice too."""
    books.product("KUBEK-1", "12.30")
    ids = []
    for person in (BUYER, OTHER):
        order_id = books.order(person, [("KUBEK-1", 1)])
        stored = issue_for_order(books.uow(), order_id, now=T0, config=books.config,
                                 sealer=books.sealer, incidents=books.incidents)  # fmt: skip
        ids.append((order_id, stored))
    (order_id, invoice), _ = ids
    with books.engine.begin() as conn:
        conn.execute(update(invoices).where(invoices.c.id == invoice.id).values(
            ksef_number=f"{KSEF_BODY}-{ksef_checksum(KSEF_BODY)}"))  # fmt: skip
    kor = correct(books.uow(), invoice.number or "", reason="Zwrot", now=T0, config=books.config)
    return order_id, invoice.id, kor.id


QUERIES = (
    SubjectQuery(email=" Jan.Kowalski@EXAMPLE.pl"),
    SubjectQuery(phone="+48 600-100-200"),
    SubjectQuery(customer="allegro:4711"),
)


def test_export_finds_the_persons_invoices_and_corrections(engine: Engine) -> None:
    books = Books(engine)
    order_id, invoice_id, kor_id = _invoiced(books)
    for query in QUERIES:  # by e-mail, phone or buyer id (one database: migrating is the cost)
        found = export_person(engine, books.sealer.sealer, query, T0, actor="dpo", surface="t")
        held = [(r.table, r.record_id) for r in found.records]
        assert held == [("orders", str(order_id)), ("invoices", str(invoice_id)),
                        ("invoices", str(kor_id))], query  # fmt: skip
        for record in found.records[1:]:
            assert list(record.fields) == ["xml"]  # hashes are not exported
            assert "Żółta Łódź sp. z o.o." in record.fields["xml"].decode("utf-8")
        assert "ktos@example.pl" not in found.to_json()
        assert "Żółta Łódź" in found.to_html()


def test_erasure_keeps_invoices_under_legal_retention_and_says_why(engine: Engine) -> None:
    books = Books(engine)
    order_id, invoice_id, kor_id = _invoiced(books)
    sealer = books.sealer.sealer
    query = SubjectQuery(email="jan.kowalski@example.pl")
    report = erase_person(engine, sealer, query, T0, actor="dpo", surface="test")
    assert f"orders.buyer_name#{order_id}" in report.erased
    assert not [e for e in report.erased if e.startswith("invoices.")]
    kept = {(k.table, k.record_id, k.column): k for k in report.kept}
    for record in (invoice_id, kor_id):
        xml = kept[("invoices", str(record), "xml")]
        assert "legal obligation" in xml.reason
        assert xml.keep_until is not None
        assert xml.keep_until.astimezone(TAX_ZONE).year == 2032
        assert kept[("invoices", str(record), "buyer_email_hash")].reason == LOOKUP_KEPT
    with engine.connect() as conn:
        rows = conn.execute(select(invoices.c.id, invoices.c.xml)).all()
        assert all(xml is not None for _, xml in rows)  # every invoice is still there
        name = conn.execute(select(orders.c.buyer_name).where(orders.c.id == order_id))
        assert name.scalar_one() is None
    again = export_person(engine, sealer, query, T0, actor="dpo", surface="test")
    assert [r.table for r in again.records] == ["orders", "invoices", "invoices"]
    assert list(again.records[0].fields) == ["invoice_address"]  # legal retention too


def test_rotation_after_sealing_invoice_xml_left_in_clear(engine: Engine) -> None:
    books = Books(engine, sealer=PrivacySealer(Sealer(OLD_RING)))
    _, invoice_id, _ = _invoiced(books)
    with books.uow() as uow:
        plain = uow.invoices.get(invoice_id).xml  # type: ignore[union-attr]
    assert plain is not None
    with engine.begin() as conn:  # as written before 0010_sealed_invoice_xml
        conn.execute(update(invoices).where(invoices.c.id == invoice_id)
                     .values(xml=plain.decode("utf-8")))  # fmt: skip
    with pytest.raises(DecryptionFailed):  # rotation cannot open a value in clear
        rotate(engine, FieldCipher(BOTH_RING), DATA_MAP)
    later = make_engine(engine.url.render_as_string(hide_password=False))  # a new process
    try:
        prepared = prepare_rotation(later, Sealer(BOTH_RING))
        assert prepared == Prepared(quarantine_rebound=0, invoices_sealed=1)
        assert rotate(later, FieldCipher(BOTH_RING), DATA_MAP).complete
        with InvoiceUnitOfWork(later, Sealer(NEW_ONLY)) as uow:  # the old key may be retired
            assert uow.invoices.get(invoice_id).xml == plain  # type: ignore[union-attr]
    finally:
        later.dispose()
