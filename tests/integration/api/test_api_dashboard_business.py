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

from omnistock.domain.compliance import Lang
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


def test_compliance_section_lists_upcoming_rules(viewer, books: Books) -> None:
    books.app.clock.set(datetime(2026, 7, 1, tzinfo=UTC))  # rules start on 2026-07-22
    html = viewer.get("/dashboard/section/compliance?lang=en").text
    assert "<h1>Compliance</h1>" in html
    assert "Last check: <strong>—</strong>" in html  # nothing stored yet
    soon = upcoming_rules(books.app.clock.now().date(), 90)
    assert soon
    assert all(rule["id"] in html for rule in soon)
    assert "<h2>Rules coming into force (90 days)</h2>" in html


def test_compliance_section_shows_the_stored_run(viewer, books: Books) -> None:
    from datetime import date

    from omnistock.compliance.listings import listing_from_mapping
    from omnistock.compliance.service import select_packs
    from omnistock.domain.compliance import check
    from omnistock.store.compliance_repository import save_run

    offer = {"offer": "o1", "channel": "allegro", "title": SCRIPT}
    packs = select_packs("allegro")
    report = check([listing_from_mapping(offer)], packs, date(2025, 5, 1), 30)
    assert report.upcoming
    save_run(books.app.engine, report, packs=packs, ran_at=books.app.clock.now(), source="worker")
    polish = viewer.get("/dashboard/section/compliance?lang=pl").text
    english = viewer.get("/dashboard/section/compliance?lang=en").text
    assert "Stan na: <strong>2025-05-01</strong>" in polish
    assert "<h2>Violations of rules coming into force</h2>" in english
    table = english.split('id="section-compliance-upcoming_violations"')[1].split("</table>")[0]
    assert all(v.rule.id in table for v in report.upcoming)
    assert all(v.message(Lang.EN) in html_unescape(table) for v in report.upcoming)
    assert SCRIPT not in english  # offer text is never echoed raw


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)
