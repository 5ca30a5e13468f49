"""Amazon sandbox over real HTTP: buyers' orders (admin) and Orders API 2026-01-01."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, get_args

import httpx
import pytest

from omnistock.sandbox.amazon import create_app
from omnistock.sandbox.amazon.account import MARKETPLACES
from omnistock.sandbox.amazon.admin_api import Marketplace
from omnistock.sandbox.common import SandboxOptions, SandboxServer

ORDERS = "/orders/2026-01-01/orders"
EPOCH = "2020-01-01T00:00:00Z"
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

    def now(self) -> datetime:
        return datetime.fromisoformat(self.client.get("/_sandbox/clock").json()["now"])

    def quantity(self, sku: str) -> int | None:
        return self.client.get(f"/_sandbox/listings/{sku}").json()["quantity"]

    def buy(self, sku: str = "DEMO-KUBEK-330", quantity: int = 1, **extra: Any) -> dict[str, Any]:
        answer = self.client.post(
            "/_sandbox/orders", json={"items": [{"sku": sku, "quantity": quantity}], **extra}
        )
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def search(self, **params: Any) -> httpx.Response:
        return self.client.get(ORDERS, params=params)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """One sandbox per module (sandbox time almost still); each test starts from a reset."""
    with SandboxServer(create_app(SandboxOptions(seed=5, time_scale=1e-6))) as server:
        yield server.url


@pytest.fixture
def amazon(sandbox_url: str) -> Iterator[Amazon]:
    with httpx.Client(base_url=sandbox_url, timeout=5) as client:
        client.post("/_sandbox/reset").raise_for_status()
        token = client.post("/auth/o2/token", data=GRANT).json()["access_token"]
        client.headers["x-amz-access-token"] = token
        yield Amazon(client)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- admin: the buyer's side -----------------------------------------------------------------


def test_placing_an_order_takes_units_off_the_listing(amazon: Amazon) -> None:
    order = amazon.buy("DEMO-KUBEK-330", 3)
    assert amazon.quantity("DEMO-KUBEK-330") == 22
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert order["orderItems"][0]["product"]["sellerSku"] == "DEMO-KUBEK-330"
    assert order["orderItems"][0]["quantityOrdered"] == 3
    assert order["buyer"]["buyerName"]
    assert order["recipient"]["deliveryAddress"]["countryCode"] == "PL"
    assert order["salesChannel"] == {
        "channelName": "AMAZON",
        "marketplaceId": "A1C3SOZRARQ6R3",
        "marketplaceName": "Amazon.pl",
    }


@pytest.mark.parametrize(
    ("items", "status", "field"),
    [
        # more than available: nothing changes
        ([{"sku": "DEMO-KUBEK-330", "quantity": 26}], 409, "items.0.quantity"),
        # out of stock listing
        ([{"sku": "DEMO-LAMPKA-LED", "quantity": 1}], 409, "items.0.quantity"),
        # unknown SKU, after a valid line: the valid line is not taken either
        (
            [{"sku": "DEMO-KUBEK-330", "quantity": 1}, {"sku": "NOPE", "quantity": 1}],
            404,
            "items.1.sku",
        ),
        # the same SKU twice
        (
            [{"sku": "DEMO-KUBEK-330", "quantity": 1}, {"sku": "DEMO-KUBEK-330", "quantity": 1}],
            422,
            "items.0.sku",
        ),
    ],
)
def test_orders_that_cannot_be_placed_change_nothing(
    amazon: Amazon, items: list[dict[str, Any]], status: int, field: str
) -> None:
    answer = amazon.client.post("/_sandbox/orders", json={"items": items})
    assert answer.status_code == status
    assert answer.json()["detail"]["field"] == field
    assert amazon.quantity("DEMO-KUBEK-330") == 25
    assert amazon.client.get("/_sandbox/orders").json() == []


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"items": []}, ["body", "items"]),
        ({"items": [{"sku": "DEMO-KUBEK-330", "quantity": 0}]}, ["body", "items", 0, "quantity"]),
        (
            {"items": [{"sku": "DEMO-KUBEK-330", "quantity": 1}], "status": "SHIPPED"},
            ["body", "status"],
        ),
        (
            {"items": [{"sku": "DEMO-KUBEK-330", "quantity": 1}], "marketplace_id": "X"},
            ["body", "marketplace_id"],
        ),
    ],
)
def test_bad_order_bodies_get_422_naming_the_field(
    amazon: Amazon, body: dict[str, Any], loc: list[Any]
) -> None:
    answer = amazon.client.post("/_sandbox/orders", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == loc


def test_bad_listing_seeds_get_422_naming_the_field(amazon: Amazon) -> None:
    answer = amazon.client.post(
        "/_sandbox/listings", json={"listings": [{"sku": "x" * 41, "quantity": -1}]}
    )
    assert answer.status_code == 422
    locs = {tuple(error["loc"]) for error in answer.json()["detail"]}
    assert locs == {("body", "listings", 0, "sku"), ("body", "listings", 0, "quantity")}


def test_seeding_listings_sets_quantities(amazon: Amazon) -> None:
    answer = amazon.client.post(
        "/_sandbox/listings",
        json={
            "listings": [
                {"sku": "NEW-1", "quantity": 4, "title": "Nowy"},
                {"sku": "DEMO-KUBEK-330", "quantity": 2},
            ]
        },
    )
    assert answer.status_code == 201
    listed = {
        item["sku"]: item["quantity"] for item in amazon.client.get("/_sandbox/listings").json()
    }
    assert listed["NEW-1"] == 4
    assert listed["DEMO-KUBEK-330"] == 2


def test_marketplace_choices_match_the_known_marketplaces() -> None:
    assert set(get_args(Marketplace)) == set(MARKETPLACES)


def test_cancel_gives_units_back_and_ship_adds_a_package(amazon: Amazon) -> None:
    cancelled = amazon.buy("DEMO-KUBEK-330", 2)
    shipped = amazon.buy("DEMO-KUBEK-330", 1)
    answer = amazon.client.post(
        f"/_sandbox/orders/{cancelled['orderId']}/cancel", json={"reason": "NoInventory"}
    )
    assert answer.json()["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert (
        answer.json()["orderItems"][0]["cancellation"]["cancellationExecution"]["cancelReason"]
        == "NoInventory"
    )
    assert amazon.quantity("DEMO-KUBEK-330") == 24
    done = amazon.client.post(f"/_sandbox/orders/{shipped['orderId']}/ship").json()
    assert done["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert done["packages"][0]["trackingNumber"]
    assert done["orderItems"][0]["fulfillment"] == {
        "quantityFulfilled": 1,
        "quantityUnfulfilled": 0,
    }
    assert amazon.quantity("DEMO-KUBEK-330") == 24
    again = amazon.client.post(f"/_sandbox/orders/{shipped['orderId']}/cancel")
    assert again.status_code == 409
    assert amazon.client.post("/_sandbox/orders/111-1111111-1111111/ship").status_code == 404


def test_pending_orders_hide_buyer_until_confirmed(amazon: Amazon) -> None:
    order = amazon.buy("DEMO-BIDON-750", 1, status="PENDING")
    assert "buyer" not in order
    assert amazon.quantity("DEMO-BIDON-750") == 39
    answer = amazon.client.get(
        f"{ORDERS}/{order['orderId']}", params={"includedData": "BUYER,FULFILLMENT"}
    )
    assert answer.json()["order"]["fulfillment"]["fulfillmentStatus"] == "PENDING"
    assert "buyer" not in answer.json()["order"]
    confirmed = amazon.client.post(f"/_sandbox/orders/{order['orderId']}/confirm").json()
    assert confirmed["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert confirmed["buyer"]["buyerEmail"].endswith("@marketplace.amazon.pl")


# --- getOrder --------------------------------------------------------------------------------


def test_get_order_includes_only_requested_data(amazon: Amazon) -> None:
    order_id = amazon.buy()["orderId"]
    bare = amazon.client.get(f"{ORDERS}/{order_id}")
    assert bare.status_code == 200
    assert bare.headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert set(bare.json()["order"]) == {
        "orderId",
        "createdTime",
        "lastUpdatedTime",
        "programs",
        "salesChannel",
        "orderItems",
    }
    full = amazon.client.get(
        f"{ORDERS}/{order_id}", params={"includedData": "BUYER,RECIPIENT,PROCEEDS"}
    )
    assert {"buyer", "recipient", "proceeds"} <= set(full.json()["order"])
    assert full.json()["order"]["proceeds"]["grandTotal"] == {
        "amount": "49.99",
        "currencyCode": "PLN",
    }


@pytest.mark.parametrize(
    ("order_id", "params", "status"),
    [
        ("402-0000000-0000000", {}, 404),  # well-formed, unknown
        ("TEST_CASE_400", {}, 400),  # the model's static sandbox case
        ("402-0000000-0000000", {"includedData": "EVERYTHING"}, 400),
    ],
)
def test_get_order_errors(
    amazon: Amazon, order_id: str, params: dict[str, str], status: int
) -> None:
    answer = amazon.client.get(f"{ORDERS}/{order_id}", params=params)
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"] in {"InvalidInput", "NotFound"}


# --- searchOrders ----------------------------------------------------------------------------


def test_search_by_last_update_finds_changed_orders_and_echoes_the_bound(amazon: Amazon) -> None:
    first = amazon.buy()["orderId"]
    amazon.advance(60)
    watermark = amazon.search(lastUpdatedAfter=EPOCH).json()["lastUpdatedBefore"]
    amazon.advance(60)
    second = amazon.buy()["orderId"]
    amazon.client.post(f"/_sandbox/orders/{first}/ship")
    found = amazon.search(lastUpdatedAfter=watermark, includedData="FULFILLMENT").json()
    statuses = {o["orderId"]: o["fulfillment"]["fulfillmentStatus"] for o in found["orders"]}
    assert statuses == {first: "SHIPPED", second: "UNSHIPPED"}
    by_creation = amazon.search(createdAfter=watermark).json()
    assert [o["orderId"] for o in by_creation["orders"]] == [second]
    assert "createdBefore" in by_creation


def test_search_filters_by_status_and_marketplace(amazon: Amazon) -> None:
    shipped = amazon.buy()["orderId"]
    amazon.client.post(f"/_sandbox/orders/{shipped}/ship")
    open_pl = amazon.buy()["orderId"]
    german = amazon.buy(marketplace_id="A1PA6795UKMFR9")["orderId"]
    ids = lambda r: {o["orderId"] for o in r.json()["orders"]}  # noqa: E731
    assert ids(amazon.search(lastUpdatedAfter=EPOCH, fulfillmentStatuses="SHIPPED")) == {shipped}
    assert ids(amazon.search(lastUpdatedAfter=EPOCH, marketplaceIds="A1PA6795UKMFR9")) == {german}
    assert ids(amazon.search(lastUpdatedAfter=EPOCH, fulfilledBy="AMAZON")) == set()
    assert ids(amazon.search(lastUpdatedAfter=EPOCH, fulfillmentStatuses="UNSHIPPED,SHIPPED")) == {
        shipped,
        open_pl,
        german,
    }


def test_pagination_walks_every_order_once(amazon: Amazon) -> None:
    placed = []
    for _ in range(7):
        placed.append(amazon.buy()["orderId"])
        amazon.advance(1)
    seen: list[str] = []
    page = amazon.search(lastUpdatedAfter=EPOCH, maxResultsPerPage=3).json()
    seen += [o["orderId"] for o in page["orders"]]
    while "pagination" in page:
        token = page["pagination"]["nextToken"]
        # maxResultsPerPage and includedData may change between pages
        page = amazon.search(
            lastUpdatedAfter=EPOCH, maxResultsPerPage=2, includedData="BUYER", paginationToken=token
        ).json()
        seen += [o["orderId"] for o in page["orders"]]
    assert seen == placed


def test_pagination_token_rules(amazon: Amazon) -> None:
    for _ in range(3):
        amazon.buy()
    token = amazon.search(lastUpdatedAfter=EPOCH, maxResultsPerPage=1).json()["pagination"][
        "nextToken"
    ]
    changed = amazon.search(lastUpdatedAfter="2021-01-01T00:00:00Z", paginationToken=token)
    assert changed.status_code == 400
    assert amazon.search(lastUpdatedAfter=EPOCH, paginationToken="forged").status_code == 400
    amazon.advance(24 * 3600 + 1)
    amazon.client.headers["x-amz-access-token"] = amazon.client.post(
        "/auth/o2/token", data=GRANT
    ).json()["access_token"]
    expired = amazon.search(lastUpdatedAfter=EPOCH, paginationToken=token)
    assert expired.status_code == 400
    assert "expired" in expired.json()["errors"][0]["message"]


def test_search_bound_must_be_two_minutes_old(amazon: Amazon) -> None:
    now = amazon.now()
    fresh = amazon.search(
        lastUpdatedAfter=EPOCH, lastUpdatedBefore=_iso(now - timedelta(seconds=30))
    )
    assert fresh.status_code == 400
    old_enough = amazon.search(
        lastUpdatedAfter=EPOCH, lastUpdatedBefore=_iso(now - timedelta(minutes=3))
    )
    assert old_enough.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},  # neither createdAfter nor lastUpdatedAfter
        {"createdAfter": EPOCH, "lastUpdatedAfter": EPOCH},  # both
        {"createdAfter": EPOCH, "lastUpdatedBefore": "2021-01-01T00:00:00Z"},  # mixed kinds
        {"createdAfter": "TEST_CASE_400"},  # the model's static sandbox case
        {"lastUpdatedAfter": "2021-01-01T00:00:00Z", "lastUpdatedBefore": EPOCH},  # before < after
        {"lastUpdatedAfter": EPOCH, "maxResultsPerPage": "0"},
        {"lastUpdatedAfter": EPOCH, "maxResultsPerPage": "101"},
        {"lastUpdatedAfter": EPOCH, "fulfillmentStatuses": "LOST"},
        {"lastUpdatedAfter": EPOCH, "marketplaceIds": "XX"},
    ],
)
def test_search_rejects_bad_parameters(amazon: Amazon, params: dict[str, str]) -> None:
    answer = amazon.search(**params)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "InvalidInput"
    assert answer.headers["x-amzn-RateLimit-Limit"] == "0.0056"


def test_search_rate_limit_burst_20_then_one_per_180_seconds(amazon: Amazon) -> None:
    statuses = [amazon.search(lastUpdatedAfter=EPOCH).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
    amazon.advance(170)
    assert amazon.search(lastUpdatedAfter=EPOCH).status_code == 429
    amazon.advance(10)
    assert amazon.search(lastUpdatedAfter=EPOCH).status_code == 200
