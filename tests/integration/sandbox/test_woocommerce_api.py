"""WooCommerce sandbox over real HTTP: auth, products, variations, batches, orders, paging."""

from __future__ import annotations

import base64

import httpx
import pytest

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.woocommerce.app import create_app

KEY = ("omnistock-sandbox", "omnistock-sandbox")
API = "/wp-json/wc/v3"


@pytest.fixture
def shop(serve):
    server = serve(create_app(SandboxOptions()))
    with httpx.Client(base_url=server.url, auth=KEY, timeout=10) as client:
        yield client


def _error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["data"]["status"] == status
    return body


def test_basic_auth_and_query_string_keys_are_accepted(shop) -> None:
    assert shop.get(f"{API}/products").status_code == 200
    token = base64.b64encode(b"omnistock-sandbox:omnistock-sandbox").decode()
    plain = httpx.get(f"{shop.base_url}{API}/products", headers={"Authorization": f"Basic {token}"})
    assert plain.status_code == 200
    query = {"consumer_key": KEY[0], "consumer_secret": KEY[1]}
    assert httpx.get(f"{shop.base_url}{API}/products", params=query).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "auth", "code", "message"),
    [
        # no credentials at all: the route's permission check fails
        ("GET", "/products", None, "woocommerce_rest_cannot_view", "Sorry, you cannot list"),
        ("PUT", "/products/11", None, "woocommerce_rest_cannot_edit", "Sorry, you are not"),
        ("POST", "/products/batch", None, "woocommerce_rest_cannot_batch", "Sorry, you are not"),
        ("POST", "/webhooks", None, "woocommerce_rest_cannot_create", "Sorry, you are not"),
        # wrong key, then right key with a wrong secret
        (
            "GET",
            "/orders",
            ("ck_wrong", KEY[1]),
            "woocommerce_rest_authentication_error",
            "Consumer key is invalid.",
        ),
        (
            "GET",
            "/orders",
            (KEY[0], "cs_wrong"),
            "woocommerce_rest_authentication_error",
            "Consumer secret is invalid.",
        ),
    ],
)
def test_rejects_missing_or_wrong_keys_with_wp_error(shop, method, path, auth, code, message):
    response = httpx.request(method, f"{shop.base_url}{API}{path}", auth=auth, json={})
    body = _error(response, 401, code)
    assert body["message"].startswith(message)


def test_custom_credentials_replace_the_default(serve) -> None:
    server = serve(create_app(SandboxOptions(client_id="ck_shop", client_secret="cs_shop")))
    assert httpx.get(f"{server.url}{API}/products", auth=KEY).status_code == 401
    assert httpx.get(f"{server.url}{API}/products", auth=("ck_shop", "cs_shop")).status_code == 200


def test_put_sets_stock_and_derives_stock_status(shop) -> None:
    product = shop.put(f"{API}/products/11", json={"stock_quantity": 0}).json()
    assert (product["stock_quantity"], product["stock_status"]) == (0, "outofstock")
    product = shop.put(f"{API}/products/11", json={"stock_quantity": 4}).json()
    assert (product["stock_quantity"], product["stock_status"]) == (4, "instock")
    assert shop.get(f"{API}/products/11").json()["stock_quantity"] == 4
    delta = shop.put(f"{API}/products/11", json={"inventory_delta": -3}).json()
    assert delta["stock_quantity"] == 1


def test_unmanaged_stock_ignores_quantity(shop) -> None:
    product = shop.put(f"{API}/products/12", json={"manage_stock": False, "stock_quantity": 50})
    body = product.json()
    assert (body["manage_stock"], body["stock_quantity"]) == (False, None)
    body = shop.put(f"{API}/products/12", json={"stock_status": "outofstock"}).json()
    assert body["stock_status"] == "outofstock"
    body = shop.put(f"{API}/products/12", json={"manage_stock": True, "stock_quantity": 6}).json()
    assert (body["stock_quantity"], body["stock_status"]) == (6, "instock")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"stock_quantity": "lots"}, "stock_quantity"),  # not an integer
        ({"manage_stock": "maybe"}, "manage_stock"),  # not a boolean
        ({"stock_status": "plenty"}, "stock_status"),  # not in the enum
    ],
)
def test_invalid_fields_are_rest_invalid_param_and_change_nothing(shop, body, param) -> None:
    before = shop.get(f"{API}/products/11").json()
    error = _error(shop.put(f"{API}/products/11", json=body), 400, "rest_invalid_param")
    assert param in error["data"]["params"]
    assert shop.get(f"{API}/products/11").json()["stock_quantity"] == before["stock_quantity"]


def test_unknown_ids_and_routes(shop) -> None:
    _error(shop.get(f"{API}/products/999"), 404, "woocommerce_rest_product_invalid_id")
    _error(shop.put(f"{API}/products/999", json={}), 400, "woocommerce_rest_product_invalid_id")
    _error(
        shop.get(f"{API}/products/20/variations/11"),
        404,
        "woocommerce_rest_product_variation_invalid_id",
    )
    _error(shop.get(f"{API}/orders/5"), 404, "woocommerce_rest_shop_order_invalid_id")
    _error(shop.get(f"{API}/coupons"), 404, "rest_no_route")
    _error(shop.delete(f"{API}/products/11/variations"), 404, "rest_no_route")


def test_malformed_json_is_rest_invalid_json(shop) -> None:
    response = shop.put(
        f"{API}/products/11", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    _error(response, 400, "rest_invalid_json")


def test_variations_have_their_own_stock(shop) -> None:
    parent = shop.get(f"{API}/products/20").json()
    assert parent["type"] == "variable"
    assert parent["variations"] == [21, 22, 23]
    listed = shop.get(f"{API}/products/20/variations").json()
    assert {v["sku"] for v in listed} == {"KOSZ-LEN-S", "KOSZ-LEN-M", "KOSZ-LEN-L"}
    updated = shop.put(f"{API}/products/20/variations/22", json={"stock_quantity": 1}).json()
    assert updated["stock_quantity"] == 1
    assert shop.get(f"{API}/products/20/variations/22").json()["stock_quantity"] == 1
    assert shop.get(f"{API}/products/20/variations/21").json()["stock_quantity"] == 5


def test_variable_parent_stock_status_follows_its_variations(shop) -> None:
    updates = [{"id": vid, "stock_quantity": 0} for vid in (21, 22, 23)]
    shop.post(f"{API}/products/20/variations/batch", json={"update": updates[:2]})
    assert shop.get(f"{API}/products/20").json()["stock_status"] == "instock"
    shop.post(f"{API}/products/20/variations/batch", json={"update": updates[2:]})
    parent = shop.get(f"{API}/products/20").json()
    assert (parent["manage_stock"], parent["stock_status"]) == (False, "outofstock")
    shop.put(f"{API}/products/20/variations/23", json={"stock_quantity": 2})
    assert shop.get(f"{API}/products/20").json()["stock_status"] == "instock"


def test_product_batch_reports_bad_items_inside_a_200(shop) -> None:
    response = shop.post(
        f"{API}/products/batch",
        json={
            "create": [{"name": "Nowy", "sku": "KUBEK-001"}, {"name": "Nowszy", "sku": "NEW-1"}],
            "update": [{"id": 11, "stock_quantity": 3}, {"id": 999, "stock_quantity": 1}],
            "delete": [13, 998],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["create"][0]["error"]["code"] == "product_invalid_sku"
    assert body["create"][1]["sku"] == "NEW-1"
    assert body["update"][0]["stock_quantity"] == 3
    assert body["update"][1] == {
        "id": 999,
        "error": {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 400},
        },
    }
    assert body["delete"][0]["id"] == 13
    assert body["delete"][1]["error"]["code"] == "woocommerce_rest_product_invalid_id"
    assert shop.get(f"{API}/products/13").status_code == 404


def test_batch_limit_counts_create_update_and_delete_together(shop) -> None:
    at_limit = {"update": [{"id": 11, "stock_quantity": 2}] * 60, "delete": [999] * 40}
    assert shop.post(f"{API}/products/batch", json=at_limit).status_code == 200
    over = {"create": [{"name": "x"}], **at_limit}
    body = _error(
        shop.post(f"{API}/products/batch", json=over),
        413,
        "woocommerce_rest_request_entity_too_large",
    )
    assert body["message"] == "Unable to accept more than 100 items for this request."
    over_variations = {"update": [{"id": 21, "stock_quantity": 1}] * 101}
    _error(
        shop.post(f"{API}/products/20/variations/batch", json=over_variations),
        413,
        "woocommerce_rest_request_entity_too_large",
    )
    assert len(shop.get(f"{API}/products", params={"per_page": 100}).json()) == 4


def test_variation_batch_updates_and_rejects_foreign_ids(shop) -> None:
    body = shop.post(
        f"{API}/products/20/variations/batch",
        json={"update": [{"id": 21, "stock_quantity": 9}, {"id": 11, "stock_quantity": 9}]},
    ).json()
    assert body["update"][0]["stock_quantity"] == 9
    assert body["update"][1]["error"]["code"] == "woocommerce_rest_product_variation_invalid_id"
    assert shop.get(f"{API}/products/11").json()["stock_quantity"] == 25


def test_products_can_be_found_by_sku(shop) -> None:
    found = shop.get(f"{API}/products", params={"sku": "KOC-002"}).json()
    assert [p["id"] for p in found] == [12]


def _place(shop: httpx.Client, sku: str, quantity: int = 1, **extra) -> dict:
    response = httpx.post(
        f"{shop.base_url}/_sandbox/orders",
        json={"lines": [{"sku": sku, "quantity": quantity}], **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_orders_are_paged_with_totals_and_link_headers(shop) -> None:
    ids = [_place(shop, "KUBEK-001")["id"] for _ in range(5)]
    first = shop.get(f"{API}/orders", params={"per_page": 2, "orderby": "id", "order": "asc"})
    assert first.headers["X-WP-Total"] == "5"
    assert first.headers["X-WP-TotalPages"] == "3"
    assert [o["id"] for o in first.json()] == ids[:2]
    assert 'rel="next"' in first.headers["Link"]
    assert "page=2" in first.headers["Link"]
    assert "consumer_secret" not in first.headers["Link"]
    last = shop.get(
        f"{API}/orders", params={"per_page": 2, "page": 3, "orderby": "id", "order": "asc"}
    )
    assert [o["id"] for o in last.json()] == ids[4:]
    assert 'rel="prev"' in last.headers["Link"]
    assert 'rel="next"' not in last.headers["Link"]


@pytest.mark.parametrize("per_page", ["0", "101", "abc"])
def test_per_page_outside_1_to_100_is_rejected(shop, per_page) -> None:
    body = _error(
        shop.get(f"{API}/orders", params={"per_page": per_page}), 400, "rest_invalid_param"
    )
    assert "per_page" in body["data"]["params"]


def test_modified_after_returns_only_orders_changed_since(shop, serve) -> None:
    old = _place(shop, "KUBEK-001")
    httpx.post(f"{shop.base_url}/_sandbox/clock/advance", json={"seconds": 120})
    watermark = shop.get(f"{API}/orders/{old['id']}").json()["date_modified_gmt"]
    httpx.post(f"{shop.base_url}/_sandbox/clock/advance", json={"seconds": 60})
    new = _place(shop, "KOC-002")
    query = {"modified_after": watermark, "dates_are_gmt": "true"}
    assert [o["id"] for o in shop.get(f"{API}/orders", params=query).json()] == [new["id"]]
    httpx.post(f"{shop.base_url}/_sandbox/orders/{old['id']}/status", json={"status": "completed"})
    changed = {o["id"] for o in shop.get(f"{API}/orders", params=query).json()}
    assert changed == {old["id"], new["id"]}
    local = shop.get(f"{API}/orders", params={"modified_after": "2999-01-01T00:00:00"}).json()
    assert local == []
    bad = shop.get(f"{API}/orders", params={"modified_after": "yesterday"})
    _error(bad, 400, "rest_invalid_param")


def test_order_carries_polish_buyer_and_line_items(shop) -> None:
    order = _place(shop, "KOSZ-LEN-M", 2)
    fetched = shop.get(f"{API}/orders/{order['id']}").json()
    assert fetched["status"] == "processing"
    assert fetched["currency"] == "PLN"
    assert fetched["billing"]["country"] == "PL"
    assert fetched["billing"]["email"].endswith("@example.com")
    assert fetched["billing"]["phone"].startswith("+48")
    line = fetched["line_items"][0]
    assert (line["product_id"], line["variation_id"], line["quantity"]) == (20, 22, 2)
    assert line["sku"] == "KOSZ-LEN-M"


def test_order_meta_and_date_paid_follow_woocommerce(shop) -> None:
    nip = "5260250274"
    meta = [{"key": "_billing_nip", "value": nip}]
    held = _place(shop, "KUBEK-001", status="on-hold", meta_data=meta)
    fetched = shop.get(f"{API}/orders/{held['id']}").json()
    assert [(m["key"], m["value"]) for m in fetched["meta_data"]] == [(meta[0]["key"], nip)]
    assert all(isinstance(m["id"], int) for m in fetched["meta_data"])
    assert (fetched["date_paid"], fetched["date_paid_gmt"]) == (None, None)  # on-hold: not paid
    changed = httpx.post(
        f"{shop.base_url}/_sandbox/orders/{held['id']}/status", json={"status": "processing"}
    )
    changed.raise_for_status()
    paid = shop.get(f"{API}/orders/{held['id']}").json()
    assert paid["date_paid_gmt"] == paid["date_modified_gmt"]
    assert _place(shop, "KUBEK-001")["meta_data"] == []
