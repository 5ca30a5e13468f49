"""Dashboard sections of orders, invoices (KSeF status, XML/PDF links) and compliance:
channel-supplied text is escaped, buyer data never shown, downloads need an operator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from api_books import SCRIPT, Books, client_of, served_books

from omnistock.entrypoints.api.routes.compliance import upcoming_rules


@pytest.fixture
def books(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    with served_books(tmp_path, migrated_db, monkeypatch) as served:
        yield served


def _session(books: Books, role: str) -> Iterator[httpx.Client]:
    with client_of(books) as client:
        form = client.get("/dashboard/login").text
        nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
        done = client.post("/dashboard/login", data={"nonce": nonce, "token": books.secrets[role]})
        assert done.status_code == 303
        yield client


@pytest.fixture
def viewer(books: Books) -> Iterator[httpx.Client]:
    yield from _session(books, "viewer")


@pytest.fixture
def operator(books: Books) -> Iterator[httpx.Client]:
    yield from _session(books, "operator")


@pytest.fixture
def invoice_id(books: Books) -> int:
    books.product("A1", "12.30")
    order_id = books.order([("A1", 2)], external_id=f"ext-{SCRIPT}")
    with client_of(books) as client:
        made = client.post(
            "/api/v1/invoices", json={"order_id": order_id}, headers=books.headers("operator")
        )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_orders_section_escapes_channel_text_and_hides_buyers(viewer, invoice_id: int) -> None:
    html = viewer.get("/dashboard/section/orders").text
    assert "ext-&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert "Kowalski" not in html
    assert "paid" in html


def test_invoices_section_shows_ksef_status_and_links(viewer, operator, invoice_id) -> None:
    html = viewer.get("/dashboard/section/invoices?lang=en").text
    assert "FV/2026/11/0001" in html
    assert "issued" in html
    assert f'href="/dashboard/invoices/{invoice_id}/xml"' in html
    assert "Kowalski" not in html
    assert "Invoices" in html
    assert "Faktury" in viewer.get("/dashboard/section/invoices?lang=pl").text
    assert viewer.get(f"/dashboard/invoices/{invoice_id}/xml").status_code == 403
    xml = operator.get(f"/dashboard/invoices/{invoice_id}/xml")
    assert xml.status_code == 200
    assert xml.headers["content-type"] == "application/xml"
    pdf = operator.get(f"/dashboard/invoices/{invoice_id}/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert operator.get("/dashboard/invoices/999/xml").status_code == 404


def test_compliance_section_lists_upcoming_rules(viewer) -> None:
    html = viewer.get("/dashboard/section/compliance?lang=en").text
    assert "Compliance" in html
    assert "not configured" not in html.lower()
    soon = upcoming_rules(datetime.now(UTC).date(), 90)
    assert ("effective_from" in html) == bool(soon)
    assert all(rule["id"] in html for rule in soon)
