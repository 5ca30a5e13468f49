"""Amazon sandbox over real HTTP: LWA tokens, the access-token check and Listings Items."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from omnistock.sandbox.amazon import create_app
from omnistock.sandbox.common import FaultConfig, SandboxOptions, SandboxServer

SELLER = "A2OMNISTOCKSBX"
PL = "A1C3SOZRARQ6R3"
ITEM = f"/listings/2021-08-01/items/{SELLER}"
GRANT = {
    "grant_type": "refresh_token",
    "refresh_token": "Atzr|omnistock-sandbox",
    "client_id": "omnistock-sandbox",
    "client_secret": "omnistock-sandbox",
}


@dataclass
class Amazon:
    client: httpx.Client

    def advance(self, seconds: float) -> None:
        self.client.post("/_sandbox/clock/advance", json={"seconds": seconds}).raise_for_status()

    def quantity(self, sku: str) -> int | None:
        response = self.client.get(f"/_sandbox/listings/{sku}")
        response.raise_for_status()
        return response.json()["quantity"]


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """One sandbox per module; every test starts from ``POST /_sandbox/reset``.

    Sandbox time stands (almost) still: tests move it with ``advance``.
    """
    faults = FaultConfig(async_delay_seconds=30)
    with SandboxServer(
        create_app(SandboxOptions(seed=3, time_scale=1e-6, faults=faults))
    ) as server:
        yield server.url


@pytest.fixture
def amazon(sandbox_url: str) -> Iterator[Amazon]:
    with httpx.Client(base_url=sandbox_url, timeout=5) as client:
        client.post("/_sandbox/reset").raise_for_status()
        token = client.post("/auth/o2/token", data=GRANT).json()["access_token"]
        client.headers["x-amz-access-token"] = token
        yield Amazon(client)


def _qty_patch(quantity: object, **extra: object) -> dict[str, object]:
    value = {"fulfillment_channel_code": "DEFAULT", "quantity": quantity, **extra}
    return {
        "productType": "PRODUCT",
        "patches": [
            {"op": "merge", "path": "/attributes/fulfillment_availability", "value": [value]}
        ],
    }


# --- LWA -----------------------------------------------------------------------------------


def test_lwa_issues_one_hour_bearer_token(amazon: Amazon) -> None:
    answer = amazon.client.post("/auth/o2/token", data=GRANT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    assert answer.headers["cache-control"] == "no-store"


def test_lwa_accepts_a_json_body(amazon: Amazon) -> None:
    assert amazon.client.post("/auth/o2/token", json=GRANT).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        # wrong client secret: client authentication fails
        ({"client_secret": "nope"}, 401, "invalid_client"),
        # unknown refresh token
        ({"refresh_token": "Atzr|stolen"}, 400, "invalid_grant"),
        # missing refresh token
        ({"refresh_token": ""}, 400, "invalid_request"),
        # authorization-code grants are not what a self-authorized app uses here
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
    ],
)
def test_lwa_errors_as_lwa_returns_them(
    amazon: Amazon, change: dict[str, str], status: int, error: str
) -> None:
    answer = amazon.client.post("/auth/o2/token", data={**GRANT, **change})
    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert answer.json()["error_description"]


@pytest.mark.parametrize(
    ("token", "details"),
    [(None, "missing"), ("Atza|forged", "revoked, malformed or invalid")],
)
def test_spapi_refuses_missing_or_unknown_token(
    amazon: Amazon, token: str | None, details: str
) -> None:
    headers = {} if token is None else {"x-amz-access-token": token}
    with httpx.Client(base_url=str(amazon.client.base_url), headers=headers) as client:
        answer = client.get(f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL})
    assert answer.status_code == 403
    error = answer.json()["errors"][0]
    assert error["code"] == "Unauthorized"
    assert details in error["details"]
    assert answer.headers["x-amzn-RequestId"]


def test_access_token_expires_after_one_hour_of_sandbox_time(amazon: Amazon) -> None:
    url, params = f"{ITEM}/DEMO-KUBEK-330", {"marketplaceIds": PL}
    amazon.advance(3590)
    assert amazon.client.get(url, params=params).status_code == 200
    amazon.advance(11)
    answer = amazon.client.get(url, params=params)
    assert answer.status_code == 403
    assert "expired" in answer.json()["errors"][0]["details"]


# --- getListingsItem -------------------------------------------------------------------------


def test_get_item_reads_quantity_and_summaries(amazon: Amazon) -> None:
    answer = amazon.client.get(
        f"{ITEM}/DEMO-KUBEK-330",
        params={"marketplaceIds": PL, "includedData": "summaries,fulfillmentAvailability"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 25}
    ]
    assert body["summaries"][0]["marketplaceId"] == PL
    assert body["summaries"][0]["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert answer.headers["x-amzn-RateLimit-Limit"] == "5.0"
    assert answer.headers["x-amzn-RequestId"]


def test_get_item_defaults_to_summaries_only(amazon: Amazon) -> None:
    body = amazon.client.get(f"{ITEM}/DEMO-LAMPKA-LED", params={"marketplaceIds": PL}).json()
    assert set(body) == {"sku", "summaries"}
    assert body["summaries"][0]["status"] == ["DISCOVERABLE"]  # quantity 0: not buyable


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        # unknown SKU
        (f"{ITEM}/NO-SUCH-SKU", {"marketplaceIds": PL}, 404, "NOT_FOUND"),
        # the model's static sandbox case
        (f"{ITEM}/BadSKU", {"marketplaceIds": PL}, 400, "BAD_REQUEST"),
        # marketplaceIds is required
        (f"{ITEM}/DEMO-KUBEK-330", {}, 400, "InvalidInput"),
        # unknown marketplace
        (f"{ITEM}/DEMO-KUBEK-330", {"marketplaceIds": "XX"}, 400, "InvalidInput"),
        # includedData outside the enum
        (f"{ITEM}/DEMO-KUBEK-330", {"marketplaceIds": PL, "includedData": "x"}, 400, "BAD_REQUEST"),
        # another seller's listing
        ("/listings/2021-08-01/items/AOTHERSELLER/X", {"marketplaceIds": PL}, 403, "Unauthorized"),
    ],
)
def test_get_item_errors(
    amazon: Amazon, path: str, params: dict[str, str], status: int, code: str
) -> None:
    answer = amazon.client.get(path, params=params)
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"] == code


# --- patchListingsItem -----------------------------------------------------------------------


def test_patch_is_accepted_then_applied_after_the_async_delay(amazon: Amazon) -> None:
    answer = amazon.client.patch(
        f"{ITEM}/DEMO-KUBEK-330", params={"marketplaceIds": PL}, json=_qty_patch(7)
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ACCEPTED"
    assert body["sku"] == "DEMO-KUBEK-330"
    assert body["issues"] == []
    assert body["submissionId"]
    assert answer.headers["x-amzn-RateLimit-Limit"] == "5.0"
    assert amazon.quantity("DEMO-KUBEK-330") == 25
    amazon.advance(29)
    assert amazon.quantity("DEMO-KUBEK-330") == 25
    amazon.advance(2)
    assert amazon.quantity("DEMO-KUBEK-330") == 7


def test_merge_keeps_other_fulfillment_fields_and_replace_drops_them(amazon: Amazon) -> None:
    url, params = f"{ITEM}/DEMO-BIDON-750", {"marketplaceIds": PL}
    amazon.client.patch(url, params=params, json=_qty_patch(5, lead_time_to_ship_max_days=3))
    amazon.client.patch(url, params=params, json=_qty_patch(4))
    amazon.advance(31)
    attrs = amazon.client.get(url, params={**params, "includedData": "attributes"}).json()
    value = attrs["attributes"]["fulfillment_availability"]
    assert value == [
        {"fulfillment_channel_code": "DEFAULT", "quantity": 4, "lead_time_to_ship_max_days": 3}
    ]
    replace = _qty_patch(9)
    replace["patches"][0]["op"] = "replace"  # type: ignore[index]
    amazon.client.patch(url, params=params, json=replace)
    amazon.advance(31)
    attrs = amazon.client.get(url, params={**params, "includedData": "attributes"}).json()
    assert attrs["attributes"]["fulfillment_availability"] == [
        {"fulfillment_channel_code": "DEFAULT", "quantity": 9}
    ]


@pytest.mark.parametrize(
    ("sku", "body", "code"),
    [
        # no listing with that SKU
        ("NO-SUCH-SKU", _qty_patch(3), "4000004"),
        # negative quantity
        ("DEMO-KUBEK-330", _qty_patch(-1), "4000001"),
        # quantity must be an integer
        ("DEMO-KUBEK-330", _qty_patch(2.5), "4000001"),
        # fulfillment_channel_code is required in each value
        (
            "DEMO-KUBEK-330",
            {
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [{"quantity": 1}],
                    }
                ],
            },
            "90220",
        ),
        # only top-level attributes can be patched
        (
            "DEMO-KUBEK-330",
            {
                "productType": "PRODUCT",
                "patches": [
                    {"op": "replace", "path": "/attributes/fulfillment_availability/0/quantity"}
                ],
            },
            "4000002",
        ),
    ],
)
def test_patch_with_semantic_problems_is_invalid_and_not_applied(
    amazon: Amazon, sku: str, body: dict[str, object], code: str
) -> None:
    answer = amazon.client.patch(f"{ITEM}/{sku}", params={"marketplaceIds": PL}, json=body)
    assert answer.status_code == 200
    assert answer.json()["status"] == "INVALID"
    assert [issue["code"] for issue in answer.json()["issues"]] == [code]
    assert answer.json()["issues"][0]["severity"] == "ERROR"
    amazon.advance(60)
    assert amazon.quantity("DEMO-KUBEK-330") == 25


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        # not JSON at all
        (b"{", "application/json", 400, "InvalidInput"),
        # JSON that breaks ListingsItemPatchRequest (patches must not be empty)
        (b'{"productType":"PRODUCT","patches":[]}', "application/json", 400, "BAD_REQUEST"),
        # productType is required
        (
            b'{"patches":[{"op":"add","path":"/attributes/x"}]}',
            "application/json",
            400,
            "BAD_REQUEST",
        ),
        # unknown op
        (
            b'{"productType":"P","patches":[{"op":"move","path":"/attributes/x"}]}',
            "application/json",
            400,
            "BAD_REQUEST",
        ),
        # not a JSON content type
        (b"quantity=3", "application/x-www-form-urlencoded", 415, "UnsupportedMediaType"),
    ],
)
def test_patch_malformed_requests(
    amazon: Amazon, content: bytes, content_type: str, status: int, code: str
) -> None:
    answer = amazon.client.patch(
        f"{ITEM}/DEMO-KUBEK-330",
        params={"marketplaceIds": PL},
        content=content,
        headers={"content-type": content_type},
    )
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"] == code


def test_validation_preview_validates_without_applying(amazon: Amazon) -> None:
    params = {
        "marketplaceIds": PL,
        "mode": "VALIDATION_PREVIEW",
        "includedData": "identifiers,issues",
    }
    answer = amazon.client.patch(f"{ITEM}/DEMO-KUBEK-330", params=params, json=_qty_patch(1))
    assert answer.json()["status"] == "VALID"
    assert answer.json()["identifiers"][0]["marketplaceId"] == PL
    amazon.advance(1)  # previews: 1 per second
    bad = amazon.client.patch(f"{ITEM}/DEMO-KUBEK-330", params=params, json=_qty_patch(-5))
    assert bad.json()["status"] == "INVALID"
    amazon.advance(60)
    assert amazon.quantity("DEMO-KUBEK-330") == 25


def test_identifiers_need_validation_preview(amazon: Amazon) -> None:
    answer = amazon.client.patch(
        f"{ITEM}/DEMO-KUBEK-330",
        params={"marketplaceIds": PL, "includedData": "identifiers"},
        json=_qty_patch(1),
    )
    assert answer.status_code == 400


# --- usage plans ---------------------------------------------------------------------------


def test_patch_rate_limit_is_5_per_second_burst_5(amazon: Amazon) -> None:
    url, params = f"{ITEM}/DEMO-KUBEK-330", {"marketplaceIds": PL}
    statuses = [
        amazon.client.patch(url, params=params, json=_qty_patch(i)).status_code for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    refused = amazon.client.patch(url, params=params, json=_qty_patch(1))
    assert refused.status_code == 429
    assert refused.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "retry-after" not in refused.headers
    assert "x-amzn-RateLimit-Limit" not in refused.headers
    assert refused.headers["x-amzn-RequestId"]
    amazon.advance(0.2)  # one token refills every 0.2 s
    assert amazon.client.patch(url, params=params, json=_qty_patch(1)).status_code == 200
    assert amazon.client.patch(url, params=params, json=_qty_patch(1)).status_code == 429


def test_get_rate_limit_has_burst_10(amazon: Amazon) -> None:
    url, params = f"{ITEM}/DEMO-KUBEK-330", {"marketplaceIds": PL}
    statuses = [amazon.client.get(url, params=params).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_validation_preview_is_limited_to_one_per_second(amazon: Amazon) -> None:
    url = f"{ITEM}/DEMO-KUBEK-330"
    preview = {"marketplaceIds": PL, "mode": "VALIDATION_PREVIEW"}
    assert amazon.client.patch(url, params=preview, json=_qty_patch(1)).status_code == 200
    assert amazon.client.patch(url, params=preview, json=_qty_patch(1)).status_code == 429
    assert (
        amazon.client.patch(url, params={"marketplaceIds": PL}, json=_qty_patch(1)).status_code
        == 200
    )
    amazon.advance(1)
    assert amazon.client.patch(url, params=preview, json=_qty_patch(1)).status_code == 200


def test_skus_with_reserved_characters_are_url_encoded(amazon: Amazon) -> None:
    seeded = amazon.client.post(
        "/_sandbox/listings", json={"listings": [{"sku": "A/B 1", "quantity": 2}]}
    )
    assert seeded.status_code == 201
    answer = amazon.client.get(
        f"{ITEM}/A%2FB%201",
        params={"marketplaceIds": PL, "includedData": "fulfillmentAvailability"},
    )
    assert answer.status_code == 200
    assert answer.json()["sku"] == "A/B 1"
    assert answer.json()["fulfillmentAvailability"][0]["quantity"] == 2
