"""Meta catalog sandbox over real HTTP: items_batch, handles, reads, auth, limits and faults."""

from __future__ import annotations

import json

import httpx
import pytest

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import Burst429, FaultConfig
from omnistock.sandbox.meta.app import create_app
from omnistock.sandbox.meta.state import DEFAULT_CATALOG_ID
from omnistock.sandbox.registry import SANDBOXES

TOKEN = {"access_token": "omnistock-sandbox"}
EDGE = f"/v26.0/{DEFAULT_CATALOG_ID}"
NEW_ITEM = {
    "id": "NOWY-9",
    "title": "Nowy produkt",
    "description": "Opis",
    "availability": "in stock",
    "condition": "new",
    "price": "19.99 PLN",
    "link": "https://sklep.example.com/p/nowy-9",
    "image_link": "https://sklep.example.com/img/nowy-9.jpg",
    "brand": "Marka",
    "quantity_to_sell_on_facebook": 4,
}


@pytest.fixture
def graph(serve):
    with httpx.Client(base_url=serve(create_app(SandboxOptions())).url, timeout=10) as client:
        yield client


def _graph(serve, faults: FaultConfig | None = None, **options) -> httpx.Client:
    app = create_app(SandboxOptions(faults=faults or FaultConfig(), **options))
    return httpx.Client(base_url=serve(app).url, timeout=10)


def _update(retailer_id: str, quantity: object) -> dict:
    return {
        "method": "UPDATE",
        "data": {"id": retailer_id, "quantity_to_sell_on_facebook": quantity},
    }


def _batch(client: httpx.Client, requests: list, **extra) -> httpx.Response:
    form = {**TOKEN, "item_type": "PRODUCT_ITEM", "requests": json.dumps(requests), **extra}
    return client.post(f"{EDGE}/items_batch", data=form)


def _status(client: httpx.Client, handle: str, **extra) -> dict:
    params = {**TOKEN, "handle": handle, **extra}
    response = client.get(f"{EDGE}/check_batch_request_status", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"][0]


def _quantity(client: httpx.Client, retailer_id: str) -> int | None:
    params = {
        **TOKEN,
        "fields": "retailer_id,quantity_to_sell_on_facebook",
        "filter": json.dumps({"retailer_id": {"eq": retailer_id}}),
    }
    data = client.get(f"{EDGE}/products", params=params).json()["data"]
    return data[0]["quantity_to_sell_on_facebook"] if data else None


def _error(response: httpx.Response, code: int, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["fbtrace_id"]
    assert error["type"]
    return error


def test_registry_serves_the_meta_app() -> None:
    assert SANDBOXES["meta"] is create_app


def test_batch_update_is_applied_and_reported_finished(graph) -> None:
    response = _batch(graph, [_update("KUBEK-001", 7)])
    assert response.status_code == 200
    handles = response.json()["handles"]
    assert len(handles) == 1
    report = _status(graph, handles[0])
    assert report["status"] == "finished"
    assert (report["errors_total_count"], report["errors"], report["warnings"]) == (0, [], [])
    assert _quantity(graph, "KUBEK-001") == 7


def test_json_body_and_bearer_token_and_unversioned_path(graph) -> None:
    body = {"item_type": "PRODUCT_ITEM", "requests": [_update("KOC-002", 1)]}
    headers = {"Authorization": "Bearer omnistock-sandbox"}
    response = graph.post(f"/{DEFAULT_CATALOG_ID}/items_batch", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert _quantity(graph, "KOC-002") == 1


def test_handles_stay_pending_until_the_async_delay_passes(serve) -> None:
    with _graph(serve, FaultConfig(async_delay_seconds=600)) as graph:
        handle = _batch(graph, [_update("KUBEK-001", 2)]).json()["handles"][0]
        assert _status(graph, handle)["status"] == "started"
        assert _quantity(graph, "KUBEK-001") == 25
        graph.post("/_sandbox/clock/advance", json={"seconds": 400})
        assert _status(graph, handle)["status"] == "dispatched"
        graph.post("/_sandbox/clock/advance", json={"seconds": 200})
        assert _status(graph, handle)["status"] == "finished"
        assert _quantity(graph, "KUBEK-001") == 2


def test_per_item_errors_and_warnings_are_in_the_status(graph) -> None:
    requests = [
        _update("KUBEK-001", -1),  # negative quantity
        _update("UNKNOWN", 3),  # new item without the required fields
        {"method": "UPDATE", "data": {"id": "KOC-002", "inventory": 5}},  # deprecated field
        {"method": "PATCH", "data": {"id": "KOC-002"}},  # not a batch method
        {"method": "CREATE", "data": NEW_ITEM},
        {"method": "DELETE", "data": {"id": "SWIECA-003"}},
    ]
    handle = _batch(graph, requests).json()["handles"][0]
    report = _status(graph, handle, load_ids_of_invalid_requests="true")
    assert report["errors_total_count"] == 3
    assert [(e["line"], e["id"]) for e in report["errors"]] == [
        (1, "KUBEK-001"),
        (2, "UNKNOWN"),
        (4, "KOC-002"),
    ]
    assert "quantity_to_sell_on_facebook" in report["errors"][0]["message"]
    assert "Required field missing" in report["errors"][1]["message"]
    assert [(w["line"], w["id"]) for w in report["warnings"]] == [(3, "KOC-002")]
    assert report["ids_of_invalid_requests"] == ["KOC-002", "KUBEK-001", "UNKNOWN"]
    assert _quantity(graph, "KUBEK-001") == 25
    assert _quantity(graph, "NOWY-9") == 4
    assert _quantity(graph, "SWIECA-003") is None


def test_update_of_unknown_item_without_upsert_fails(graph) -> None:
    handle = _batch(graph, [_update("GHOST", 1)], allow_upsert="false").json()["handles"][0]
    assert "does not exist" in _status(graph, handle)["errors"][0]["message"]


def test_requests_limit_is_5000(graph) -> None:
    at_limit = [_update("KUBEK-001", n % 50) for n in range(5000)]
    assert _batch(graph, at_limit).status_code == 200
    error = _error(_batch(graph, [*at_limit, _update("KUBEK-001", 1)]), 100)
    assert "5000" in error["message"]


@pytest.mark.parametrize(
    ("form", "needle"),
    [
        ({"requests": "[]"}, "item_type"),  # item_type missing
        ({"item_type": "PRODUCT_ITEM"}, "requests"),  # requests missing
        ({"item_type": "SHOES", "requests": "[]"}, "item_type"),  # unknown item type
        ({"item_type": "PRODUCT_ITEM", "requests": "{oops"}, "requests"),  # not JSON
        ({"item_type": "PRODUCT_ITEM", "requests": '{"a": 1}'}, "requests"),  # not an array
    ],
)
def test_malformed_batches_get_graph_param_errors(graph, form, needle) -> None:
    error = _error(graph.post(f"{EDGE}/items_batch", data={**TOKEN, **form}), 100)
    assert needle in error["message"]


def test_auth_errors_use_the_graph_envelope(graph) -> None:
    missing = graph.get(f"{EDGE}/products")
    assert _error(missing, 104)["type"] == "OAuthException"
    wrong = graph.get(f"{EDGE}/products", params={"access_token": "nope"})
    _error(wrong, 190)
    assert "invalid_token" in wrong.headers["www-authenticate"]
    bearer = graph.get(f"{EDGE}/products", headers={"Authorization": "Bearer nope"})
    _error(bearer, 190)


def test_unknown_catalog_path_and_no_order_api(graph) -> None:
    error = _error(graph.get("/v26.0/424242424242/products", params=TOKEN), 100)
    assert error["error_subcode"] == 33
    edge = _error(graph.get(f"{EDGE}/commerce_orders", params=TOKEN), 100)
    assert "nonexisting field (commerce_orders)" in edge["message"]
    page = _error(graph.get("/v26.0/123456/commerce_orders", params=TOKEN), 100)
    assert page["error_subcode"] == 33
    _error(graph.get(f"{EDGE}/items_batch", params=TOKEN), 100)
    _error(graph.get(f"/latest/{DEFAULT_CATALOG_ID}/products", params=TOKEN), 2500)


def test_products_are_read_with_fields_filters_and_cursors(graph) -> None:
    params = {**TOKEN, "fields": "retailer_id,name,price", "limit": "2"}
    first = graph.get(f"{EDGE}/products", params=params).json()
    assert [item["retailer_id"] for item in first["data"]] == ["KUBEK-001", "KOC-002"]
    assert set(first["data"][0]) == {"id", "retailer_id", "name", "price"}
    after = first["paging"]["cursors"]["after"]
    assert "access_token" not in first["paging"]["next"]
    second = graph.get(f"{EDGE}/products", params={**params, "after": after}).json()
    assert [item["retailer_id"] for item in second["data"]] == ["SWIECA-003"]
    assert "next" not in second["paging"]
    any_of = json.dumps({"retailer_id": {"is_any": ["KOC-002", "SWIECA-003"]}})
    found = graph.get(f"{EDGE}/products", params={**TOKEN, "filter": any_of}).json()["data"]
    assert len(found) == 2
    assert set(found[0]) == {"id"}
    bad = graph.get(f"{EDGE}/products", params={**TOKEN, "filter": "{nope"})
    _error(bad, 100)


def test_catalog_batch_rate_limit_answers_80014_with_usage_header(graph) -> None:
    assert graph.put("/_sandbox/limits", json={"calls": 3, "window_seconds": 60}).status_code == 200
    usages = []
    for _ in range(3):
        response = _batch(graph, [_update("KUBEK-001", 1)])
        assert response.status_code == 200
        usages.append(json.loads(response.headers["x-business-use-case-usage"]))
    counts = [usage[DEFAULT_CATALOG_ID][0]["call_count"] for usage in usages]
    assert counts == [33, 66, 100]
    limited = _batch(graph, [_update("KUBEK-001", 2)])
    error = _error(limited, 80014)
    assert "too many calls" in error["message"]
    usage = json.loads(limited.headers["x-business-use-case-usage"])[DEFAULT_CATALOG_ID][0]
    assert usage["type"] == "catalog_batch"
    assert usage["estimated_time_to_regain_access"] >= 1
    graph.post("/_sandbox/clock/advance", json={"seconds": 61})
    assert _batch(graph, [_update("KUBEK-001", 2)]).status_code == 200


def test_default_rate_limit_is_100_calls_per_hour(serve) -> None:
    with _graph(serve, time_scale=1.0) as graph:
        limits = graph.get("/_sandbox/limits").json()
        assert limits == {
            "calls": 100,
            "window_seconds": 3600.0,
            "max_requests": 5000,
            "max_payload_bytes": 28 * 1024 * 1024,
        }


def test_payload_size_cap(graph) -> None:
    caps = {"calls": 100, "window_seconds": 3600, "max_payload_bytes": 4096}
    assert graph.put("/_sandbox/limits", json=caps).status_code == 200
    small = [_update("KUBEK-001", 3)] * 10
    assert _batch(graph, small).status_code == 200
    error = _error(_batch(graph, small * 10), 100)
    assert "maximum size" in error["message"]


def test_partial_batch_failures_leave_failed_items_unchanged(serve) -> None:
    with _graph(serve, FaultConfig(partial_batch_failure_rate=0.5), seed=5) as graph:
        requests = [_update(sku, 11) for sku in ("KUBEK-001", "KOC-002", "SWIECA-003")] * 10
        handle = _batch(graph, requests).json()["handles"][0]
        report = _status(graph, handle)
        assert 0 < report["errors_total_count"] < 30
        assert {e["message"] for e in report["errors"]} == {
            "An unexpected error occurred while processing this item. Please retry this request."
        }


def test_request_level_faults_use_graph_bodies(serve) -> None:
    with _graph(serve, FaultConfig(error_rate=1.0)) as graph:
        response = graph.get(f"{EDGE}/products", params=TOKEN)
        assert response.status_code in (500, 502, 503)
        assert response.json()["error"]["code"] == 2
    burst = Burst429(every=1, length=1, retry_after=False)
    with _graph(serve, FaultConfig(burst_429=burst)) as graph:
        statuses = [graph.get(f"{EDGE}/products", params=TOKEN) for _ in range(2)]
        assert [r.status_code for r in statuses] == [200, 429]
        assert statuses[1].json()["error"]["code"] == 4
        assert "retry-after" not in statuses[1].headers
    with _graph(serve, FaultConfig(drop_rate=1.0)) as graph, pytest.raises(httpx.TransportError):
        graph.get(f"{EDGE}/products", params=TOKEN)
    with _graph(serve, FaultConfig(timeout_rate=1.0, timeout_seconds=5)) as graph:
        with pytest.raises(httpx.ReadTimeout):
            graph.get(f"{EDGE}/products", params=TOKEN, timeout=0.3)
    with _graph(serve, FaultConfig(latency_ms=(150, 160))) as graph:
        assert graph.get(f"{EDGE}/products", params=TOKEN).elapsed.total_seconds() >= 0.15


def test_admin_seed_quantities_reset_and_empty(serve, graph) -> None:
    seed = {
        "items": [
            {
                "retailer_id": "X-1",
                "title": "Iks",
                "price": "5.00 PLN",
                "quantity_to_sell_on_facebook": 9,
            }
        ]
    }
    assert graph.post("/_sandbox/items", json=seed).status_code == 201
    assert _quantity(graph, "X-1") == 9
    rows = graph.get("/_sandbox/quantities").json()["items"]
    assert {row["retailer_id"]: row["quantity_to_sell_on_facebook"] for row in rows}["X-1"] == 9
    bad = graph.post(
        "/_sandbox/items", json={"items": [{"retailer_id": "Y", "title": "y", "price": "5 zł"}]}
    )
    assert bad.status_code == 422
    assert "price" in bad.text
    other = graph.post("/_sandbox/items", json={"catalog_id": "200000000000002", **seed})
    assert other.status_code == 201
    assert graph.get("/v26.0/200000000000002/products", params=TOKEN).json()["data"]
    assert graph.post("/_sandbox/reset").status_code == 204
    assert _quantity(graph, "X-1") is None
    assert (
        graph.get("/_sandbox/quantities", params={"catalog_id": "200000000000002"}).status_code
        == 404
    )
    with _graph(serve, empty=True) as empty:
        assert empty.get("/_sandbox/quantities").json()["items"] == []
    assert graph.get("/_sandbox/docs").status_code == 200
    _error(graph.get("/openapi.json"), 2500)


def test_429_burst_with_retry_after(serve) -> None:
    burst = Burst429(every=1, length=2, retry_after=True, retry_after_seconds=30)
    with _graph(serve, FaultConfig(burst_429=burst)) as graph:
        statuses = [graph.get(f"{EDGE}/products", params=TOKEN) for _ in range(4)]
        assert [r.status_code for r in statuses] == [200, 429, 429, 200]
        assert statuses[1].headers["retry-after"] == "30"
        assert statuses[2].json()["error"]["type"] == "OAuthException"
