"""``/api/v1/orders``: list and show without personal data, ``with_personal`` for operators
(audited), the import trigger, and the dashboard's orders section escaping channel text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_books import SCRIPT, Books, client_of, served_books

from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.woocommerce.app import create_app as create_woo

PROBLEM = "application/problem+json"


@pytest.fixture
def books(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    with served_books(tmp_path, migrated_db, monkeypatch) as served:
        yield served


@pytest.fixture
def http(books: Books) -> Iterator[httpx.Client]:
    with client_of(books) as client:
        yield client


@pytest.fixture
def order_id(books: Books) -> int:
    books.product("A1", "12.30")
    return books.order([("A1", 2)], external_id=f"ext-{SCRIPT}")


def test_list_and_show_have_no_personal_data(http, books: Books, order_id: int) -> None:
    listed = http.get("/api/v1/orders", headers=books.headers("viewer"))
    assert listed.status_code == 200, listed.text
    assert [(o["id"], o["external_id"], o["has_personal"]) for o in listed.json()] == [
        (order_id, f"ext-{SCRIPT}", True)
    ]
    shown = http.get(f"/api/v1/orders/{order_id}", headers=books.headers("operator")).json()
    assert "personal" not in shown
    assert shown["lines"][0]["sku"] == "A1"
    assert "Kowalski" not in listed.text + str(shown)
    assert http.get("/api/v1/orders?channel=amazon", headers=books.headers("viewer")).json() == []
    assert books.audits() == 0


def test_personal_data_needs_operator_and_is_audited(http, books: Books, order_id: int) -> None:
    path = f"/api/v1/orders/{order_id}?with_personal=true"
    denied = http.get(path, headers=books.headers("viewer"))
    assert denied.status_code == 403
    assert denied.headers["content-type"] == PROBLEM
    assert "Kowalski" not in denied.text
    assert books.audits() == 0
    for role, audits in (("operator", 1), ("admin", 2)):
        shown = http.get(path, headers=books.headers(role))
        assert shown.status_code == 200, shown.text
        assert shown.json()["personal"]["name"] == "Jan Kowalski"
        assert books.audits() == audits


def test_auth_and_bad_input(http, books: Books, order_id: int) -> None:
    assert http.get("/api/v1/orders").status_code == 401
    bad = http.get("/api/v1/orders", headers={"Authorization": "Bearer omni_nope"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"].startswith("Bearer")
    missing = http.get("/api/v1/orders/999", headers=books.headers("viewer"))
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "id"
    assert missing.json()["type"] == "urn:omnistock:problem:unknown_order"
    wrong = http.get("/api/v1/orders/abc", headers=books.headers("viewer"))
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "id"
    limit = http.get("/api/v1/orders?limit=0", headers=books.headers("viewer"))
    assert limit.status_code == 422
    assert limit.json()["errors"][0]["field"] == "limit"


def test_import_trigger(http, books: Books, order_id: int) -> None:
    body = {"channel": "allegro"}
    assert http.post("/api/v1/orders/import", json=body).status_code == 401
    viewer = http.post("/api/v1/orders/import", json=body, headers=books.headers("viewer"))
    assert viewer.status_code == 403
    none = http.post("/api/v1/orders/import", json=body, headers=books.headers("operator"))
    assert none.status_code == 422
    assert none.json()["errors"][0]["field"] == "channel"
    extra = http.post(
        "/api/v1/orders/import", json=body | {"x": 1}, headers=books.headers("operator")
    )
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "x"
    empty = http.post("/api/v1/orders/import", json={}, headers=books.headers("operator"))
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "channel"
    listed = http.get("/api/v1/orders", headers=books.headers("viewer")).json()
    assert [o["id"] for o in listed] == [order_id]  # nothing changed


def test_import_trigger_imports_a_woocommerce_order_once(
    tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = SandboxOptions(empty=True, client_id="omni", client_secret="omni")
    with SandboxServer(create_woo(options)) as shop:
        config = WooConfig(
            base_url=shop.url, consumer_key="omni", consumer_secret="omni", name="shop"
        )
        adapter = WooAdapter(config)
        with httpx.Client(base_url=shop.url, timeout=10) as admin:
            product = {"name": SCRIPT, "sku": "KUBEK-1", "stock_quantity": 5}
            admin.post("/_sandbox/products", json={"products": [product]}).raise_for_status()
            made = admin.post(
                "/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 1}]}
            )
            assert made.status_code == 201, made.text
        try:
            with served_books(tmp_path, migrated_db, monkeypatch, {"shop": adapter}) as books:
                with client_of(books) as http:
                    path, headers = "/api/v1/orders/import", books.headers("operator")
                    first = http.post(path, json={"channel": "shop"}, headers=headers)
                    assert first.status_code == 200, first.text
                    assert (first.json()["seen"], first.json()["created"]) == (1, 1)
                    again = http.post(path, json={"channel": "shop"}, headers=headers).json()
                    assert again["created"] == 0
                    listed = http.get("/api/v1/orders", headers=books.headers("viewer")).json()
                    assert [o["channel"] for o in listed] == ["shop"]
        finally:
            adapter.close()
