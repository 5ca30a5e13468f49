"""Every REST route over the services: results, problem details naming the field, and bad
input changing nothing."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def _fields(answer) -> set[str]:
    assert answer.headers["content-type"] == PROBLEM, answer.text
    body = answer.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == answer.status_code
    return {e["field"] for e in body["errors"]}


def test_products_add_list_and_duplicate(client, as_role) -> None:
    body = {"sku": "B1", "name": "Talerz", "ean": "5901234123457", "price_gross": "12.50"}
    added = client.post("/api/v1/products", json=body, headers=as_role("operator"))
    assert added.status_code == 201
    assert added.json()["price_gross"] == "12.50"
    skus = [p["sku"] for p in client.get("/api/v1/products", headers=as_role("viewer")).json()]
    assert skus == ["A1", "B1"]
    again = client.post("/api/v1/products", json=body, headers=as_role("operator"))
    assert again.status_code == 409
    assert _fields(again) == {"sku"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sku": "B1", "name": "x", "ean": "5901234123450"}, "ean"),  # bad check digit
        ({"sku": "B1", "name": "x", "vat": "17"}, "vat"),  # no such Polish rate
        ({"sku": "B1", "name": ""}, "name"),
        ({"sku": "B1"}, "name"),  # missing
        ({"sku": "B1", "name": "x", "price_gross": "-1"}, "price_gross"),
        ({"sku": "B1", "name": "x", "colour": "red"}, "colour"),  # unknown field
    ],
)
def test_bad_products_are_422_naming_the_field(client, as_role, body, field) -> None:
    answer = client.post("/api/v1/products", json=body, headers=as_role("operator"))
    assert answer.status_code == 422
    assert field in _fields(answer)
    skus = [p["sku"] for p in client.get("/api/v1/products", headers=as_role("viewer")).json()]
    assert skus == ["A1"]


def test_product_import_is_all_or_nothing(client, as_role) -> None:
    bad = "sku,name,ean,vat,price\nB1,Talerz,,23,1.00\nB2,,,23,1.00\n"
    answer = client.post("/api/v1/products/import", json={"csv": bad}, headers=as_role("operator"))
    assert answer.status_code == 422
    assert _fields(answer) == {"name"}
    assert "line 3" in answer.json()["detail"]
    assert len(client.get("/api/v1/products", headers=as_role("viewer")).json()) == 1
    good = bad.replace("B2,,", "B2,Miska,")
    answer = client.post("/api/v1/products/import", json={"csv": good}, headers=as_role("operator"))
    assert answer.json() == {"rows": 2}


def test_stock_set_adjust_and_idempotency(client, as_role) -> None:
    op = as_role("operator")
    body = {"quantity": 7, "idempotency_key": "count-1"}
    first = client.put("/api/v1/stock/A1", json=body, headers=op).json()
    assert first["applied"] is True
    assert first["stock"]["on_hand"] == 7
    assert client.put("/api/v1/stock/A1", json=body, headers=op).json()["applied"] is False
    adjusted = client.post("/api/v1/stock/A1/adjust", json={"delta": -2}, headers=op).json()
    assert adjusted["stock"]["on_hand"] == 5
    assert adjusted["stock"]["allocation"] == {"allegro": 5}


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/v1/stock/A1/adjust", {"delta": -11}, 422, "quantity"),  # below zero
        ("/api/v1/stock/A1/adjust", {"delta": 0}, 422, "delta"),
        ("/api/v1/stock/A1/adjust", {"delta": "many"}, 422, "delta"),
        ("/api/v1/stock/A1/adjust", {"delta": 1, "warehouse": "nope"}, 422, "warehouse"),
        ("/api/v1/stock/ZZ/adjust", {"delta": 1}, 404, "sku"),
    ],
)
def test_bad_stock_changes_name_the_field_and_change_nothing(
    client, as_role, path, body, status, field
) -> None:
    answer = client.post(path, json=body, headers=as_role("operator"))
    assert answer.status_code == status
    assert field in _fields(answer)
    shown = client.get("/api/v1/stock/A1", headers=as_role("viewer")).json()
    assert shown["on_hand"] == 10


def test_stock_import_is_all_or_nothing(client, as_role) -> None:
    op = as_role("operator")
    bad = "sku,warehouse,on_hand\nA1,main,3\nZZ,main,1\n"
    answer = client.post("/api/v1/stock/import", json={"csv": bad}, headers=op)
    assert answer.status_code == 422
    assert _fields(answer) == {"sku"}
    assert client.get("/api/v1/stock/A1", headers=op).json()["on_hand"] == 10
    good = "sku,warehouse,on_hand\nA1,main,3\n"
    summary = client.post("/api/v1/stock/import", json={"csv": good}, headers=op).json()
    assert (summary["applied"], summary["listings_changed"]) == (1, 1)


def test_unknown_sku_is_404(client, as_role) -> None:
    for path in ("/api/v1/stock/ZZ", "/api/v1/allocation/ZZ/explain"):
        answer = client.get(path, headers=as_role("viewer"))
        assert answer.status_code == 404
        assert _fields(answer) == {"sku"}


def test_policies_set_and_list(client, as_role) -> None:
    body = {"strategy": "percentage", "shares": {"allegro": "60"}, "buffer": 2}
    answer = client.put("/api/v1/policies", json=body, headers=as_role("operator"))
    assert answer.json() == {"listings_changed": 1}
    rules = client.get("/api/v1/policies", headers=as_role("viewer")).json()
    assert rules[0]["policy"]["shares"] == {"allegro": "60"}
    explained = client.get("/api/v1/allocation/A1/explain", headers=as_role("viewer")).json()
    assert explained["allocation"] == {"allegro": 4}  # 60 % of 10 − 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shares": {"allegro": "70"}, "reserve": "40"}, "share"),  # over 100 %
        ({"shares": {"nowhere": "10"}}, "share"),  # unknown channel
        ({"scope": "sku", "key": "ZZ"}, "sku"),
        ({"buffer": -1}, "buffer"),
        ({"strategy": "random"}, "strategy"),
    ],
)
def test_bad_policies_are_422_and_store_nothing(client, as_role, body, field) -> None:
    answer = client.put("/api/v1/policies", json=body, headers=as_role("operator"))
    assert answer.status_code == 422
    assert field in _fields(answer)
    assert client.get("/api/v1/policies", headers=as_role("viewer")).json() == []


def test_channels_and_listings(client, as_role) -> None:
    op = as_role("operator")
    added = client.post(
        "/api/v1/channels", json={"name": "shop", "kind": "woocommerce"}, headers=op
    )
    assert added.status_code == 201
    dup = client.post("/api/v1/channels", json={"name": "shop", "kind": "woocommerce"}, headers=op)
    assert dup.status_code == 409
    bad = client.post("/api/v1/channels", json={"name": "x", "kind": "ebay"}, headers=op)
    assert "kind" in _fields(bad)
    link = {"sku": "A1", "channel": "shop", "offer_id": "123"}
    assert client.post("/api/v1/listings", json=link, headers=op).status_code == 201
    shop = client.get("/api/v1/listings", params={"channel": "shop"}, headers=op).json()
    assert [(x["sku"], x["offer_id"], x["desired"]) for x in shop] == [("A1", "123", 10)]
    unknown = client.get("/api/v1/listings", params={"channel": "nope"}, headers=op)
    assert unknown.status_code == 422
    assert _fields(unknown) == {"channel"}


def test_channel_and_sync_status(client, as_role) -> None:
    viewer = as_role("viewer")
    one = client.get("/api/v1/channels/allegro/status", headers=viewer).json()
    assert (one["channel"], one["dirty"], one["breaker"]) == ("allegro", 1, "closed")
    assert client.get("/api/v1/sync/status", headers=viewer).json() == [one]
    missing = client.get("/api/v1/channels/nope/status", headers=viewer)
    assert missing.status_code == 404
    assert _fields(missing) == {"channel"}


def test_tokens_create_list_revoke(client, as_role) -> None:
    admin = as_role("admin")
    made = client.post("/api/v1/tokens", json={"role": "viewer", "name": "grafana"}, headers=admin)
    assert made.status_code == 201
    secret = made.json()["secret"]
    listed = client.get("/api/v1/tokens", headers=admin).json()
    assert "grafana" in [t["name"] for t in listed]
    assert all("secret" not in t and "token_hash" not in t for t in listed)
    mine = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/products", headers=mine).status_code == 200
    assert client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/products", headers=mine).status_code == 401
    gone = client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=admin)
    assert gone.status_code == 404
    assert _fields(gone) == {"token_id"}


def test_unknown_routes_and_methods_are_problems(client, as_role) -> None:
    assert client.get("/api/v1/nothing", headers=as_role("viewer")).status_code == 404
    wrong = client.patch("/api/v1/products", headers=as_role("admin"))
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == PROBLEM


def test_malformed_json_is_a_422_problem(client, as_role) -> None:
    headers = {**as_role("operator"), "content-type": "application/json"}
    answer = client.post("/api/v1/products", content=b"{not json", headers=headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "field"),
    [
        ("POST", "/api/v1/products", {"json": {"sku": "B\x00", "name": "x"}}, "sku"),
        ("PUT", "/api/v1/policies", {"json": {"shares": {"a\x00": "1"}}}, "shares"),
        ("GET", "/api/v1/stock/A%00", {}, "sku"),
        ("GET", "/api/v1/listings", {"params": {"channel": "a\x00"}}, "channel"),
    ],
)
def test_nul_characters_are_422_before_reaching_the_database(
    client, as_role, method, path, kwargs, field
) -> None:
    # PostgreSQL cannot store NUL in text; every engine gets the same clear answer.
    answer = client.request(method, path, headers=as_role("operator"), **kwargs)
    assert answer.status_code == 422
    assert field in _fields(answer)


def test_openapi_declares_bearer_tokens_and_problem_answers(client) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    put_stock = document["paths"]["/api/v1/stock/{sku}"]["put"]
    assert put_stock["security"] == [{"bearerAuth": []}]
    assert PROBLEM in put_stock["responses"]["422"]["content"]
    assert "security" not in document["paths"]["/healthz"]["get"]
    assert not [p for p in document["paths"] if p.startswith("/dashboard")]
