"""Spec conformance of the Amazon sandbox: every implemented operation, over real HTTP.

Requests and responses are checked against the official SP-API models (Swagger 2.0:
bodies validated with ``jsonschema`` against ``definitions``, ``$ref`` resolved in the model;
statuses and headers as documented per operation); feed documents, their messages and the
processing reports against the draft-07 feed schemas.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from jsonschema import Draft4Validator, Draft7Validator, FormatChecker

from omnistock.sandbox.amazon import create_app
from omnistock.sandbox.amazon.usage import PLANS
from omnistock.sandbox.common import Burst429, FaultConfig, SandboxOptions

REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "amazon"
MODELS = ("listingsItems_2021-08-01.json", "feeds_2021-06-30.json", "orders_2026-01-01.json")
SELLER = "A2OMNISTOCKSBX"
PL = "A1C3SOZRARQ6R3"
ITEM = f"/listings/2021-08-01/items/{SELLER}"
JSON_TYPE = "application/json; charset=UTF-8"
GRANT = {
    "grant_type": "refresh_token",
    "refresh_token": "Atzr|omnistock-sandbox",
    "client_id": "omnistock-sandbox",
    "client_secret": "omnistock-sandbox",
}


@cache
def _model(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REFERENCE / name).read_text())
    return loaded


@cache
def _feed_schema(name: str) -> Draft7Validator:
    return Draft7Validator(
        json.loads((REFERENCE / name).read_text()), format_checker=FormatChecker()
    )


def _operation(method: str, path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model and operation whose path template matches ``path``."""
    for name in MODELS:
        model = _model(name)
        for template, operations in model["paths"].items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if re.match(pattern, path) and method.lower() in operations:
                return model, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of the bundled models")


def _validate(model: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    wrapped = {"allOf": [schema], "definitions": model["definitions"]}
    Draft4Validator(wrapped, format_checker=FormatChecker()).validate(instance)


def _check_request(
    model: dict[str, Any], operation: dict[str, Any], request: httpx.Request
) -> None:
    declared = {p["name"]: p for p in operation["parameters"] if "name" in p}
    for name, value in parse_qsl(urlsplit(str(request.url)).query):
        assert name in declared, f"undeclared query {name}"
        assert declared[name]["in"] == "query"
        allowed = declared[name].get("items", {}).get("enum") or declared[name].get("enum")
        if allowed:
            assert set(value.split(",")) <= set(allowed), f"{name}={value}"
    body = next((p for p in operation["parameters"] if p.get("in") == "body"), None)
    if body is not None:
        _validate(model, body["schema"], json.loads(request.content))


def _check_response(
    model: dict[str, Any], operation: dict[str, Any], response: httpx.Response
) -> None:
    if response.status_code == 502:  # injected gateway fault: not in the models, same ErrorList
        _validate(model, {"$ref": "#/definitions/ErrorList"}, response.json())
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{response.status_code} undocumented: {operation['operationId']}"
    )
    for header in documented.get("headers", {}):
        if header == "x-amzn-RequestId" or response.status_code < 300:
            assert header in response.headers, f"{header} missing on {response.status_code}"
    if response.status_code == 429:
        assert "x-amzn-RateLimit-Limit" not in response.headers
        assert "retry-after" not in response.headers
    if "schema" in documented:
        _validate(model, documented["schema"], response.json())
    else:
        assert response.content == b""


class Checked:
    """An httpx client whose SP-API exchanges are all checked against the models."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=10)
        self.operations: set[tuple[str, int]] = set()

    def call(self, method: str, path: str, *, valid: bool = True, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        model, operation = _operation(method, urlsplit(str(response.request.url)).path)
        if valid:
            _check_request(model, operation, response.request)
        _check_response(model, operation, response)
        self.operations.add((operation["operationId"], response.status_code))
        return response

    def advance(self, seconds: float) -> None:
        self.client.post("/_sandbox/clock/advance", json={"seconds": seconds}).raise_for_status()

    def login(self) -> None:
        token = self.client.post("/auth/o2/token", data=GRANT).json()["access_token"]
        self.client.headers["x-amz-access-token"] = token


@pytest.fixture
def api(serve) -> Iterator[Checked]:
    options = SandboxOptions(seed=1, time_scale=1e-6, faults=FaultConfig(async_delay_seconds=20))
    checked = Checked(serve(create_app(options)).url)
    checked.login()
    yield checked
    checked.client.close()


def _patch_body(quantity: int) -> dict[str, Any]:
    value = [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]
    return {
        "productType": "PRODUCT",
        "patches": [
            {"op": "merge", "path": "/attributes/fulfillment_availability", "value": value}
        ],
    }


def test_listings_items_operations_conform(api: Checked) -> None:
    params = {
        "marketplaceIds": PL,
        "includedData": "summaries,attributes,issues,offers,fulfillmentAvailability,productTypes",
    }
    api.call("GET", f"{ITEM}/DEMO-KUBEK-330", params=params)
    api.call("GET", f"{ITEM}/NO-SUCH", params={"marketplaceIds": PL})
    api.call("GET", f"{ITEM}/BadSKU", params={"marketplaceIds": PL})
    api.call("PATCH", f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}, json=_patch_body(3))
    api.call(
        "PATCH",
        f"{ITEM}/NO-SUCH",
        params={"marketplaceIds": PL, "includedData": "issues"},
        json=_patch_body(3),
    )
    preview = {
        "marketplaceIds": PL,
        "mode": "VALIDATION_PREVIEW",
        "includedData": "identifiers,issues",
    }
    api.call("PATCH", f"{ITEM}/DEMO-KUBEK-330", params=preview, json=_patch_body(3))
    api.call(
        "PATCH",
        f"{ITEM}/DEMO-KUBEK-330",
        params={"marketplaceIds": PL},
        valid=False,
        json={"patches": []},
    )
    api.call(
        "PATCH",
        f"{ITEM}/DEMO-KUBEK-330",
        params={"marketplaceIds": PL},
        valid=False,
        content=b"x",
        headers={"content-type": "text/plain"},
    )
    for _ in range(3):
        api.call(
            "PATCH", f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}, json=_patch_body(1)
        )
    api.call("PATCH", f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}, json=_patch_body(1))
    forbidden = httpx.get(
        f"{api.client.base_url}{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}
    )
    _check_response(*_operation("GET", f"{ITEM}/DEMO-KUBEK-330"), forbidden)
    assert {
        ("getListingsItem", 200),
        ("getListingsItem", 404),
        ("getListingsItem", 400),
        ("patchListingsItem", 200),
        ("patchListingsItem", 400),
        ("patchListingsItem", 415),
        ("patchListingsItem", 429),
    } <= api.operations


def _feed(*messages: dict[str, Any], report: bool = False) -> dict[str, Any]:
    header: dict[str, Any] = {"sellerId": SELLER, "version": "2.0", "issueLocale": "pl_PL"}
    if report:
        header["report"] = {
            "includedData": ["summaries", "fulfillmentAvailability"],
            "apiVersion": "2021-08-01",
        }
    return {"header": header, "messages": list(messages)}


def _message(message_id: int, sku: str, quantity: int) -> dict[str, Any]:
    return {"messageId": message_id, "sku": sku, "operationType": "PATCH", **_patch_body(quantity)}


def _submit(api: Checked, document: dict[str, Any]) -> str:
    _feed_schema("listings-feed-schema-v2.json").validate(document)
    for message in document["messages"]:
        _feed_schema("listings-feed-message-schema-v2.json").validate(message)
    created = api.call(
        "POST", "/feeds/2021-06-30/documents", json={"contentType": JSON_TYPE}
    ).json()
    httpx.put(
        created["url"], content=json.dumps(document).encode(), headers={"content-type": JSON_TYPE}
    ).raise_for_status()
    spec = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [PL],
        "inputFeedDocumentId": created["feedDocumentId"],
    }
    return str(api.call("POST", "/feeds/2021-06-30/feeds", json=spec).json()["feedId"])


def _report(api: Checked, feed_id: str) -> dict[str, Any]:
    feed = api.call("GET", f"/feeds/2021-06-30/feeds/{feed_id}").json()
    located = api.call("GET", f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}").json()
    content = httpx.get(located["url"]).content
    if located.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    report = json.loads(content)
    _feed_schema("listings-feed-processing-report-schema-v2.json").validate(report)
    return dict(report)


def test_feeds_operations_documents_and_reports_conform(api: Checked) -> None:
    done = _submit(
        api, _feed(_message(1, "DEMO-KUBEK-330", 4), _message(2, "NO-SUCH", 1), report=True)
    )
    cancelled = _submit(api, _feed(_message(1, "DEMO-BIDON-750", 4)))
    api.call("GET", f"/feeds/2021-06-30/feeds/{done}")  # IN_QUEUE
    api.call("DELETE", f"/feeds/2021-06-30/feeds/{cancelled}")
    api.call("GET", f"/feeds/2021-06-30/feeds/{cancelled}")  # CANCELLED
    api.advance(10)
    api.call("GET", f"/feeds/2021-06-30/feeds/{done}")  # IN_PROGRESS
    api.call("DELETE", f"/feeds/2021-06-30/feeds/{done}")  # 400: no longer in queue
    api.advance(10)
    report = _report(api, done)
    assert report["summary"]["messagesInvalid"] == 1
    fatal = _submit(
        api,
        {
            "header": {"sellerId": SELLER, "version": "2.0"},
            "messages": [{"messageId": 1, "sku": "X", "operationType": "DELETE"}],
        },
    )
    api.advance(20)
    _report(api, fatal)
    api.call("GET", "/feeds/2021-06-30/feeds/123")
    api.call("GET", "/feeds/2021-06-30/feeds/badFeedId1")
    api.call("GET", "/feeds/2021-06-30/documents/amzn1.tortuga.nope")
    api.call("POST", "/feeds/2021-06-30/documents", valid=False, json={})
    api.call(
        "POST", "/feeds/2021-06-30/feeds", valid=False, json={"feedType": "JSON_LISTINGS_FEED"}
    )
    _submit(api, _feed(_message(1, "DEMO-KUBEK-330", 4)))
    large = _submit(api, _feed(*(_message(i, f"NO-SKU-{i}", 1) for i in range(1, 301))))
    api.advance(20)
    assert _report(api, large)["summary"]["messagesInvalid"] == 300  # served GZIP-compressed
    statuses = "DONE,CANCELLED,FATAL,IN_QUEUE,IN_PROGRESS"
    page = api.call(
        "GET",
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED", "pageSize": 2, "processingStatuses": statuses},
    ).json()
    api.call("GET", "/feeds/2021-06-30/feeds", params={"nextToken": page["nextToken"]})
    api.call("GET", "/feeds/2021-06-30/feeds", valid=False, params={"pageSize": 5})
    spec = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [PL],
        "inputFeedDocumentId": "amzn1.x",
    }
    created = api.call(
        "POST", "/feeds/2021-06-30/documents", json={"contentType": JSON_TYPE}
    ).json()
    spec["inputFeedDocumentId"] = created["feedDocumentId"]
    api.call("POST", "/feeds/2021-06-30/feeds", json=spec)  # sixth in 5 minutes: 429
    assert {
        ("createFeedDocument", 201),
        ("createFeedDocument", 400),
        ("createFeed", 202),
        ("createFeed", 400),
        ("createFeed", 429),
        ("getFeed", 200),
        ("getFeed", 404),
        ("getFeed", 400),
        ("cancelFeed", 200),
        ("cancelFeed", 400),
        ("getFeedDocument", 200),
        ("getFeedDocument", 404),
        ("getFeeds", 200),
        ("getFeeds", 400),
    } <= api.operations


def test_orders_operations_conform(api: Checked) -> None:
    ids = []
    for status in ("UNSHIPPED", "PENDING", "UNSHIPPED", "UNSHIPPED"):
        body = {"items": [{"sku": "DEMO-KUBEK-330", "quantity": 1}], "status": status}
        ids.append(api.client.post("/_sandbox/orders", json=body).json()["orderId"])
        api.advance(1)
    api.client.post(f"/_sandbox/orders/{ids[0]}/ship").raise_for_status()
    api.client.post(f"/_sandbox/orders/{ids[2]}/cancel").raise_for_status()
    everything = ",".join(
        _operation("GET", "/orders/2026-01-01/orders")[1]["parameters"][-1]["items"]["enum"]
    )
    page = api.call(
        "GET",
        "/orders/2026-01-01/orders",
        params={
            "lastUpdatedAfter": "2020-01-01T00:00:00Z",
            "maxResultsPerPage": 2,
            "includedData": everything,
        },
    ).json()
    token = page["pagination"]["nextToken"]
    api.call(
        "GET",
        "/orders/2026-01-01/orders",
        params={"lastUpdatedAfter": "2020-01-01T00:00:00Z", "paginationToken": token},
    )
    api.call(
        "GET",
        "/orders/2026-01-01/orders",
        params={
            "createdAfter": "2020-01-01T00:00:00Z",
            "marketplaceIds": PL,
            "fulfillmentStatuses": "SHIPPED,CANCELLED",
            "fulfilledBy": "MERCHANT",
        },
    )
    api.call("GET", "/orders/2026-01-01/orders", params={"createdAfter": "TEST_CASE_400"})
    for order_id in ids:
        api.call(
            "GET", f"/orders/2026-01-01/orders/{order_id}", params={"includedData": everything}
        )
    api.call("GET", "/orders/2026-01-01/orders/402-0000000-0000000")
    api.call("GET", "/orders/2026-01-01/orders/TEST_CASE_400")
    for _ in range(20):
        api.call(
            "GET", "/orders/2026-01-01/orders", params={"lastUpdatedAfter": "2020-01-01T00:00:00Z"}
        )
    assert {
        ("searchOrders", 200),
        ("searchOrders", 400),
        ("searchOrders", 429),
        ("getOrder", 200),
        ("getOrder", 404),
        ("getOrder", 400),
    } <= api.operations


def test_injected_server_errors_and_throttling_conform(serve) -> None:
    faults = FaultConfig(error_rate=1.0)
    checked = Checked(serve(create_app(SandboxOptions(seed=2, time_scale=1e-6, faults=faults))).url)
    checked.client.headers["x-amz-access-token"] = "Atza|unused"
    statuses = {
        checked.call("GET", f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}).status_code
        for _ in range(12)
    }
    assert statuses <= {500, 502, 503}
    assert {500, 503} & statuses
    burst = FaultConfig(burst_429=Burst429(every=1, length=1, retry_after=False))
    checked.client.put("/_sandbox/faults", json=burst.model_dump()).raise_for_status()
    checked.call(
        "GET", "/orders/2026-01-01/orders", params={"createdAfter": "2020-01-01T00:00:00Z"}
    )
    throttled = checked.call(
        "GET", "/orders/2026-01-01/orders", params={"createdAfter": "2020-01-01T00:00:00Z"}
    )
    assert throttled.status_code == 429
    checked.client.close()


def test_usage_plans_match_the_tables_in_the_models() -> None:
    documented = {}
    for name in MODELS:
        for operations in _model(name)["paths"].values():
            for operation in operations.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    found = re.search(r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", operation["description"])
                    assert found, operation["operationId"]
                    documented[operation["operationId"]] = (float(found[1]), int(found[2]))
    for operation, plan in PLANS.items():
        assert documented[operation] == (plan.rate, plan.burst), operation
