"""Sending to KSeF (in-memory fake), rejections, offline mode, resend after a crash, corrections."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from invoice_harness import COMPANY, SELLER_NIP, T0, Books
from sqlalchemy import Engine, select, text, update

from omnistock.domain.errors import Conflict
from omnistock.invoicing import fa3
from omnistock.invoicing.ksef import Accepted, InMemoryKsef, InvoiceSemanticInvalid
from omnistock.service.invoice_documents import load_document
from omnistock.service.invoices import correct, issue_for_order, returned, send_pending
from omnistock.store.invoice_repository import InvoiceStatus, StoredInvoice
from omnistock.store.invoice_tables import invoices


@pytest.fixture
def books(engine: Engine) -> Books:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    books.product("TALERZ", "20.00", vat="8")
    return books


def issued(books: Books, lines: list[tuple[str, int]] | None = None) -> StoredInvoice:
    order_id = books.order(COMPANY, lines or [("KUBEK-1", 2), ("TALERZ", 1)])
    return issue_for_order(books.uow(), order_id, now=T0, config=books.config,
                           sealer=books.sealer, incidents=books.incidents)  # fmt: skip


def get(books: Books, number: str) -> StoredInvoice:
    with books.uow() as uow:
        found = uow.invoices.by_number(number)
    assert found is not None
    return found


def send(books: Books, ksef: object):  # type: ignore[no-untyped-def]
    return send_pending(books.uow(), ksef, T0, incidents=books.incidents)  # type: ignore[arg-type]


def test_sent_invoices_get_their_ksef_number_and_upo(books: Books) -> None:
    first, second = issued(books), issued(books)
    ksef = InMemoryKsef(SELLER_NIP, now=lambda: T0)
    summary = send(books, ksef)
    assert summary.accepted == [first.number, second.number]
    for number in summary.accepted:
        stored = get(books, number)
        assert stored.status is InvoiceStatus.ACCEPTED
        assert stored.ksef_number is not None
        assert stored.ksef_number.startswith(SELLER_NIP)
        assert stored.upo == f"<UPO>{stored.ksef_number}</UPO>".encode()
    assert send(books, ksef).accepted == []  # nothing left to send


class Rejecting(InMemoryKsef):
    """Rejects (450) the invoices whose numbers it is given, accepts the others."""

    def __init__(self, *numbers: str | None) -> None:
        super().__init__(SELLER_NIP, now=lambda: T0)
        self.numbers = numbers

    def submit(self, xml: bytes, *, offline_mode: bool = False) -> Accepted:
        if any(f"<P_2>{n}</P_2>".encode() in xml for n in self.numbers):
            raise InvoiceSemanticInvalid("KSeF rejected (450)", code=450, number="?")
        return super().submit(xml, offline_mode=offline_mode)


def test_a_rejection_keeps_the_invoice_and_its_number_and_raises_an_incident(books: Books) -> None:
    stored, other = issued(books), issued(books)
    summary = send(books, Rejecting(stored.number))
    assert summary.rejected == [stored.number]
    assert summary.accepted == [other.number]
    after = get(books, stored.number or "")
    assert after.status is InvoiceStatus.REJECTED
    assert after.xml == stored.xml
    assert after.error is not None
    assert "450" in after.error
    assert books.incident_count() == 1


def test_ksef_unavailable_switches_to_offline_mode_with_the_legal_deadline(books: Books) -> None:
    stored = issued(books)
    ksef = InMemoryKsef(SELLER_NIP, now=lambda: T0)
    ksef.unavailable = True
    assert send(books, ksef).offline == [stored.number]
    offline = get(books, stored.number or "")
    assert offline.status is InvoiceStatus.OFFLINE_PENDING
    assert offline.offline_deadline == date(2026, 11, 30)  # Friday → next working day, Monday
    ksef.unavailable = False
    assert send(books, ksef).accepted == [stored.number]
    assert get(books, stored.number or "").ksef_number is not None


def test_resending_after_a_crash_does_not_create_a_second_invoice(books: Books) -> None:
    stored = issued(books)
    ksef = InMemoryKsef(SELLER_NIP, now=lambda: T0)
    send(books, ksef)
    number = get(books, stored.number or "").ksef_number
    # the worker died after KSeF accepted but before the result was written
    with books.engine.begin() as conn:
        conn.execute(update(invoices).values(status="sent", ksef_number=None, upo=None))
    assert send(books, ksef).accepted == [stored.number]
    assert get(books, stored.number or "").ksef_number == number
    assert len(ksef.accepted) == 1


def test_a_return_is_corrected_with_a_kor_referencing_the_ksef_number(books: Books) -> None:
    stored = issued(books)
    with pytest.raises(Conflict):  # not in KSeF yet
        correct(books.uow(), stored.number or "", reason="Zwrot", now=T0, config=books.config)
    ksef = InMemoryKsef(SELLER_NIP, now=lambda: T0)
    send(books, ksef)
    original = get(books, stored.number or "")
    assert original.lines is not None
    lines = returned(load_document(original.lines)[0], {1: Decimal(1)})
    later = T0 + timedelta(days=3)
    kor = correct(books.uow(), original.number or "", reason="Zwrot towaru", lines_after=lines,
                  now=later, config=books.config)  # fmt: skip
    assert kor.kind == "KOR"
    assert kor.number == "KOR/2026/11/0001"
    assert kor.xml is not None
    text = kor.xml.decode()
    assert f"<NrKSeFFaKorygowanej>{original.ksef_number}</NrKSeFFaKorygowanej>" in text
    assert "<PrzyczynaKorekty>Zwrot towaru</PrzyczynaKorekty>" in text
    assert kor.gross == Decimal("-12.30")
    assert fa3.inspect(kor.xml).ok
    # a correction of the correction: cancel the rest; it references the KOR, not the original
    send(books, ksef)
    kor2 = correct(books.uow(), original.number or "", reason="Anulowanie", now=later,
                   config=books.config)  # fmt: skip
    assert kor2.xml is not None
    assert f"<P_2>{kor.number}</P_2>" not in kor2.xml.decode()
    assert f"<NrFaKorygowanej>{kor.number}</NrFaKorygowanej>" in kor2.xml.decode()
    assert kor2.gross == Decimal("-32.30")
    assert fa3.inspect(kor2.xml).ok


@pytest.mark.timeout(60)
def test_a_manual_correction_waits_for_the_lock_the_worker_takes(books: Books) -> None:
    """``invoice correct`` locks the chain's original row, as the worker's correction does, so
    the two never correct the same state (PostgreSQL; SQLite has one writer anyway)."""
    if books.engine.dialect.name == "sqlite":
        pytest.skip("one writer on SQLite; the row lock is a PostgreSQL matter")
    stored = issued(books)
    send(books, InMemoryKsef(SELLER_NIP, now=lambda: T0))
    done = threading.Event()
    errors: list[BaseException] = []

    def manual() -> None:
        try:
            correct(books.uow(), stored.number or "", reason="Zwrot", now=T0, config=books.config)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()

    with books.engine.connect() as worker:  # the worker's correction holds the row lock
        with worker.begin():
            worker.execute(
                select(invoices.c.id).where(invoices.c.id == stored.id).with_for_update()
            )
            thread = threading.Thread(target=manual)
            thread.start()
            assert _waits_for_a_lock(books.engine, deadline_s=20)
            assert not done.is_set()
    thread.join(timeout=30)
    assert errors == []
    with books.uow() as uow:
        assert uow.invoices.latest_correction(stored.id) is not None


def _waits_for_a_lock(engine: Engine, *, deadline_s: float) -> bool:
    """True once another backend waits on a row lock (polled until the deadline)."""
    query = text(
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
        "and query ilike '%for update%'"
    )
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).scalar():
                return True
        time.sleep(0.02)  # polling a condition with a deadline
    return False
