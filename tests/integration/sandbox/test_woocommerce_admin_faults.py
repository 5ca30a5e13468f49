"""WooCommerce sandbox admin API (seed, orders, stock effects) and injected faults over HTTP."""

from __future__ import annotations

import httpx
import pytest

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import Burst429, FaultConfig
from omnistock.sandbox.registry import SANDBOXES
from omnistock.sandbox.woocommerce.app import create_app

KEY = ("omnistock-sandbox", "omnistock-sandbox")
API = "/wp-json/wc/v3"


@pytest.fixture
def shop(serve):
    with httpx.Client(base_url=serve(create_app(SandboxOptions())).url, auth=KEY, timeout=10) as c:
        yield c


def _stock(shop: httpx.Client, sku: str) -> int | None:
    rows = shop.get("/_sandbox/quantities").json()
    return next(row["stock_quantity"] for row in rows if row["sku"] == sku)


def _order(shop: httpx.Client, sku: str, quantity: int = 1, **extra) -> httpx.Response:
    return shop.post(
        "/_sandbox/orders", json={"lines": [{"sku": sku, "quantity": quantity}], **extra}
    )


def test_registry_serves_the_woocommerce_app() -> None:
    assert SANDBOXES["woocommerce"] is create_app


def test_seed_products_and_variations(shop) -> None:
    seed = {
        "products": [
            {
                "id": 500,
                "sku": "A-1",
                "name": "Produkt A",
                "stock_quantity": 3,
                "regular_price": "10.00",
            },
            {
                "sku": "B",
                "name": "Produkt B",
                "type": "variable",
                "variations": [
                    {"sku": "B-RED", "name": "czerwony", "stock_quantity": 2},
                    {"sku": "B-BLUE", "name": "niebieski", "manage_stock": False},
                ],
            },
        ],
    }
    response = shop.post("/_sandbox/products", json=seed)
    assert response.status_code == 201, response.text
    assert shop.get(f"{API}/products/500").json()["stock_quantity"] == 3
    parent = shop.get(f"{API}/products", params={"sku": "B"}).json()[0]
    variations = shop.get(f"{API}/products/{parent['id']}/variations").json()
    by_sku = {v["sku"]: v for v in variations}
    assert by_sku["B-RED"]["stock_quantity"] == 2
    assert by_sku["B-BLUE"]["manage_stock"] is False
    assert by_sku["B-BLUE"]["stock_quantity"] is None


@pytest.mark.parametrize(
    ("seed", "status", "needle"),
    [
        # SKU already used by a demo product
        ({"products": [{"sku": "KUBEK-001", "name": "x"}]}, 409, "KUBEK-001"),
        # id already taken
        ({"products": [{"id": 11, "sku": "NEW", "name": "x"}]}, 409, "id"),
        # missing name, named by pydantic
        ({"products": [{"sku": "NEW"}]}, 422, "name"),
        # variations on a simple product
        (
            {"products": [{"sku": "S", "name": "x", "variations": [{"sku": "S-1"}]}]},
            422,
            "variable",
        ),
        # unknown field
        ({"products": [{"sku": "S", "name": "x", "colour": "red"}]}, 422, "colour"),
    ],
)
def test_bad_seeds_are_rejected_naming_the_problem(shop, seed, status, needle) -> None:
    before = shop.get("/_sandbox/quantities").json()
    response = shop.post("/_sandbox/products", json=seed)
    assert response.status_code == status
    assert needle in response.text
    assert shop.get("/_sandbox/quantities").json() == before


def test_orders_move_stock_like_woocommerce(shop) -> None:
    order = _order(shop, "KOC-002", 3).json()
    assert _stock(shop, "KOC-002") == 5
    shop.post(f"/_sandbox/orders/{order['id']}/status", json={"status": "completed"})
    assert _stock(shop, "KOC-002") == 5
    refunded = shop.post(f"/_sandbox/orders/{order['id']}/status", json={"status": "refunded"})
    assert refunded.json()["refunds"]
    assert _stock(shop, "KOC-002") == 5
    second = _order(shop, "KOC-002", 2).json()
    cancelled = shop.post(f"/_sandbox/orders/{second['id']}/status", json={"status": "cancelled"})
    assert cancelled.json()["status"] == "cancelled"
    assert _stock(shop, "KOC-002") == 5
    third = _order(shop, "KOC-002", 1).json()
    shop.post(
        f"/_sandbox/orders/{third['id']}/status", json={"status": "refunded", "restock": True}
    )
    assert _stock(shop, "KOC-002") == 5


def test_pending_orders_reduce_stock_only_when_paid(shop) -> None:
    order = _order(shop, "KUBEK-001", 4, status="pending").json()
    assert _stock(shop, "KUBEK-001") == 25
    shop.post(f"/_sandbox/orders/{order['id']}/status", json={"status": "processing"})
    assert _stock(shop, "KUBEK-001") == 21
    assert shop.get(f"{API}/products/11").json()["total_sales"] == 4


def test_out_of_stock_and_unknown_lines_are_refused(shop) -> None:
    too_many = _order(shop, "KOC-002", 9)
    assert too_many.status_code == 409
    assert "not enough stock" in too_many.json()["detail"]
    assert _order(shop, "SWIECA-003").status_code == 409
    unknown = _order(shop, "NOPE")
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "sku"
    variable = _order(shop, "KOSZ-LEN")
    assert variable.status_code == 422
    assert shop.get(f"{API}/orders").json() == []
    missing = shop.post("/_sandbox/orders/4242/status", json={"status": "completed"})
    assert missing.status_code == 404


def test_empty_option_and_reset(serve) -> None:
    empty = serve(create_app(SandboxOptions(empty=True)))
    assert httpx.get(f"{empty.url}/_sandbox/quantities").json() == []
    with httpx.Client(base_url=serve(create_app(SandboxOptions())).url, auth=KEY) as shop:
        _order(shop, "KUBEK-001", 5)
        assert shop.post("/_sandbox/reset").status_code == 204
        assert _stock(shop, "KUBEK-001") == 25
        assert shop.get(f"{API}/orders").json() == []


def test_request_log_and_admin_docs(shop) -> None:
    shop.get(f"{API}/products/11")
    log = shop.get("/_sandbox/requests", params={"path": API}).json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", f"{API}/products/11", 200)
    ]
    assert shop.get("/_sandbox/docs").status_code == 200
    paths = shop.get("/_sandbox/openapi.json").json()["paths"]
    assert "/_sandbox/orders" in paths
    assert not [p for p in paths if p.startswith("/wp-json")]
    for hidden in ("/docs", "/openapi.json", "/redoc"):
        assert shop.get(hidden).json()["code"] == "rest_no_route"


def _faulty(serve, faults: FaultConfig) -> httpx.Client:
    return httpx.Client(
        base_url=serve(create_app(SandboxOptions(seed=3, faults=faults))).url, auth=KEY, timeout=10
    )


def test_5xx_faults_use_wordpress_or_web_server_bodies(serve) -> None:
    with _faulty(serve, FaultConfig(error_rate=1.0)) as shop:
        seen = {}
        for _ in range(30):
            response = shop.get(f"{API}/products/11")
            seen[response.status_code] = response
        assert set(seen) == {500, 502, 503}
        assert seen[500].json()["code"] == "internal_server_error"
        assert "nginx" in seen[502].text
        assert "nginx" in seen[503].text
        assert shop.get("/_sandbox/quantities").status_code == 200


@pytest.mark.parametrize("retry_after", [True, False])
def test_429_bursts_with_and_without_retry_after(serve, retry_after) -> None:
    burst = Burst429(every=2, length=2, retry_after=retry_after, retry_after_seconds=7)
    with _faulty(serve, FaultConfig(burst_429=burst)) as shop:
        statuses = [shop.get(f"{API}/products/11") for _ in range(6)]
        assert [r.status_code for r in statuses] == [200, 200, 429, 429, 200, 200]
        assert statuses[2].headers.get("retry-after") == ("7" if retry_after else None)


def test_timeouts_and_dropped_connections(serve) -> None:
    with _faulty(serve, FaultConfig(timeout_rate=1.0, timeout_seconds=5)) as shop:
        with pytest.raises(httpx.ReadTimeout):
            shop.get(f"{API}/products/11", timeout=0.3)
    with _faulty(serve, FaultConfig(drop_rate=1.0)) as shop:
        with pytest.raises(httpx.TransportError):
            shop.get(f"{API}/products/11")


def test_latency_is_added(serve) -> None:
    with _faulty(serve, FaultConfig(latency_ms=(150, 200))) as shop:
        assert shop.get(f"{API}/products/11").elapsed.total_seconds() >= 0.15


def test_partial_batch_failures_fail_some_items_inside_a_200(serve) -> None:
    with _faulty(serve, FaultConfig(partial_batch_failure_rate=0.5)) as shop:
        updates = [{"id": 11, "stock_quantity": n} for n in range(1, 41)]
        body = shop.post(f"{API}/products/batch", json={"update": updates}).json()["update"]
        failed = [item for item in body if "error" in item]
        assert 5 < len(failed) < 35
        assert {item["error"]["code"] for item in failed} == {"db_update_error"}
        assert {item["error"]["data"]["status"] for item in failed} == {500}
        last_ok = max(item["stock_quantity"] for item in body if "error" not in item)
        assert shop.get(f"{API}/products/11").json()["stock_quantity"] == last_ok


def test_faults_can_be_changed_at_run_time(shop) -> None:
    config = FaultConfig(error_rate=1.0).model_dump(mode="json")
    assert shop.put("/_sandbox/faults", json=config).status_code == 200
    assert shop.get(f"{API}/products/11").status_code >= 500
    shop.put("/_sandbox/faults", json=FaultConfig().model_dump(mode="json"))
    assert shop.get(f"{API}/products/11").status_code == 200
