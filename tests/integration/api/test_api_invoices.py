"""``/api/v1/invoices``: issue, list, show, XML and PDF (operator, audited), correct, send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from api_books import Books, client_of, served_books
from sqlalchemy import func, select, update

from omnistock.domain.invoicing.ksef_number import ksef_checksum
from omnistock.store.invoice_tables import invoice_counters, invoices

PROBLEM = "application/problem+json"
KSEF_BODY = "5261040828-20261127-0100000000AB"
KSEF_NO = f"{KSEF_BODY}-{ksef_checksum(KSEF_BODY)}"


@pytest.fixture
def books(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    with served_books(tmp_path, migrated_db, monkeypatch) as served:
        yield served


@pytest.fixture
def http(books: Books) -> Iterator[httpx.Client]:
    with client_of(books) as client:
        yield client


def _count(books: Books, table) -> int:
    with books.app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def issued(http, books: Books) -> dict:
    books.product("A1", "12.30")
    order_id = books.order([("A1", 2)])
    made = http.post(
        "/api/v1/invoices", json={"order_id": order_id}, headers=books.headers("operator")
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_issue_list_show(http, books: Books, issued: dict) -> None:
    assert issued["status"] == "issued"
    assert issued["gross"] == "24.60"
    number = issued["number"]
    again = http.post(
        "/api/v1/invoices", json={"order_id": issued["order_id"]}, headers=books.headers("admin")
    )
    assert again.json()["id"] == issued["id"]  # the order's invoice, not a second one
    listed = http.get("/api/v1/invoices", headers=books.headers("viewer")).json()
    assert [(i["number"], i["status"], i["ksef_number"]) for i in listed] == [
        (number, "issued", None)
    ]
    for ref in (quote(number, safe=""), number, str(issued["id"])):
        shown = http.get(f"/api/v1/invoices/{ref}", headers=books.headers("viewer"))
        assert shown.status_code == 200, ref
        assert shown.json()["number"] == number
    assert "Kowalski" not in str(listed)
    only = http.get("/api/v1/invoices?status=accepted", headers=books.headers("viewer"))
    assert only.json() == []
    bad = http.get("/api/v1/invoices?status=paid", headers=books.headers("viewer"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


def test_xml_and_pdf_need_operator_and_are_audited(http, books: Books, issued: dict) -> None:
    ref = issued["id"]
    for kind in ("xml", "pdf"):
        denied = http.get(f"/api/v1/invoices/{ref}/{kind}", headers=books.headers("viewer"))
        assert denied.status_code == 403
        assert denied.headers["content-type"] == PROBLEM
    assert books.audits() == 0
    xml = http.get(f"/api/v1/invoices/{ref}/xml", headers=books.headers("operator"))
    assert xml.status_code == 200
    assert xml.headers["content-type"] == "application/xml"
    assert b"<Faktura" in xml.content
    assert "Żółta Łódź" in xml.content.decode()
    pdf = http.get(f"/api/v1/invoices/{ref}/pdf", headers=books.headers("operator"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert books.audits() == 2
    missing = http.get("/api/v1/invoices/FV%2F1999%2F01%2F9999/xml", headers=books.headers("admin"))
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "number"


def test_issue_refusals_change_nothing(http, books: Books) -> None:
    books.product("A1", "12.30")
    unpaid = books.order([("A1", 1)], status="new")
    counters = _count(books, invoice_counters)
    headers = books.headers("operator")
    viewer = http.post(
        "/api/v1/invoices", json={"order_id": unpaid}, headers=books.headers("viewer")
    )
    assert viewer.status_code == 403
    conflict = http.post("/api/v1/invoices", json={"order_id": unpaid}, headers=headers)
    assert conflict.status_code == 409, conflict.text
    unknown = http.post("/api/v1/invoices", json={"order_id": 999}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "order_id"
    bad = http.post("/api/v1/invoices", json={"order_id": "x"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "order_id"
    assert http.post("/api/v1/invoices", json={"order_id": unpaid}).status_code == 401
    assert _count(books, invoices) == 0
    assert _count(books, invoice_counters) == counters


def test_correct(http, books: Books, issued: dict) -> None:
    path = f"/api/v1/invoices/{issued['id']}/correct"
    headers = books.headers("operator")
    early = http.post(path, json={"reason": "Zwrot"}, headers=headers)
    assert early.status_code == 409
    assert early.json()["errors"][0]["field"] == "number"
    with books.app.engine.begin() as conn:
        conn.execute(update(invoices).values(ksef_number=KSEF_NO, status="accepted"))
    assert (
        http.post(path, json={"reason": "Zwrot"}, headers=books.headers("viewer")).status_code
        == 403
    )
    too_much = http.post(path, json={"reason": "Zwrot", "returned": {"1": "5"}}, headers=headers)
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "returned"
    no_reason = http.post(path, json={"returned": {}}, headers=headers)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert _count(books, invoices) == 1  # nothing partially applied
    kor = http.post(path, json={"reason": "Zwrot", "returned": {"1": "1"}}, headers=headers)
    assert kor.status_code == 201, kor.text
    assert kor.json()["kind"] == "KOR"
    assert kor.json()["gross"] != issued["gross"]


def test_send_needs_ksef_settings(http, books: Books, issued: dict) -> None:
    assert http.post("/api/v1/invoices/send", headers=books.headers("viewer")).status_code == 403
    sent = http.post("/api/v1/invoices/send", headers=books.headers("operator"))
    assert sent.status_code == 422
    assert sent.json()["errors"][0]["field"] == "ksef"
    shown = http.get(f"/api/v1/invoices/{issued['id']}", headers=books.headers("viewer")).json()
    assert shown["status"] == "issued"


def test_metrics_count_invoices_by_status_and_orders(http, books: Books, issued: dict) -> None:
    assert http.get("/metrics").status_code == 401
    text = http.get("/metrics", headers=books.headers("viewer")).text
    assert 'omnistock_invoices{status="issued"} 1.0' in text
    assert 'omnistock_orders{status="paid"} 1.0' in text
