"""Amazon sandbox over real HTTP: injected faults, reset, options, request log, admin docs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from omnistock.sandbox.amazon import create_app
from omnistock.sandbox.common import Burst429, FaultConfig, SandboxOptions
from omnistock.sandbox.registry import SANDBOXES

PL = "A1C3SOZRARQ6R3"
ITEM = "/listings/2021-08-01/items/A2OMNISTOCKSBX/DEMO-KUBEK-330"
GRANT = {
    "grant_type": "refresh_token",
    "refresh_token": "Atzr|omnistock-sandbox",
    "client_id": "omnistock-sandbox",
    "client_secret": "omnistock-sandbox",
}


@contextmanager
def _client(serve, faults: FaultConfig | None = None, **options: Any) -> Iterator[httpx.Client]:
    opts = SandboxOptions(time_scale=1e-6, faults=faults or FaultConfig(), **options)
    with httpx.Client(base_url=serve(create_app(opts)).url, timeout=5) as client:
        token = client.post("/auth/o2/token", data=GRANT).json()["access_token"]
        client.headers["x-amz-access-token"] = token
        yield client


def _set_faults(client: httpx.Client, faults: FaultConfig) -> None:
    client.put("/_sandbox/faults", json=faults.model_dump(mode="json")).raise_for_status()


def test_registry_lists_the_amazon_sandbox() -> None:
    assert SANDBOXES["amazon"] is create_app


def test_server_errors_carry_the_spapi_error_body(serve) -> None:
    with _client(serve) as client:
        _set_faults(client, FaultConfig(error_rate=1.0))
        answers = [client.get(ITEM, params={"marketplaceIds": PL}) for _ in range(6)]
        assert {a.status_code for a in answers} <= {500, 502, 503}
        for answer in answers:
            error = answer.json()["errors"][0]
            assert error["code"] in {"InternalFailure", "ServiceUnavailable"}
            assert answer.headers["x-amzn-RequestId"]
        assert client.get("/_sandbox/listings").status_code == 200  # admin is never faulted


@pytest.mark.parametrize("retry_after", [False, True])
def test_429_bursts_with_and_without_retry_after(serve, retry_after: bool) -> None:
    with _client(serve) as client:
        burst = Burst429(every=2, length=1, retry_after=retry_after, retry_after_seconds=3)
        _set_faults(client, FaultConfig(burst_429=burst))
        answers = [client.get(ITEM, params={"marketplaceIds": PL}) for _ in range(6)]
        assert [a.status_code for a in answers] == [200, 200, 429, 200, 200, 429]
        assert answers[2].json()["errors"][0]["code"] == "QuotaExceeded"
        assert ("retry-after" in answers[2].headers) is retry_after


def test_dropped_connections(serve) -> None:
    with _client(serve) as client:
        _set_faults(client, FaultConfig(drop_rate=1.0))
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(ITEM, params={"marketplaceIds": PL})


def test_timeouts_leave_the_client_without_an_answer(serve) -> None:
    with _client(serve) as client:
        _set_faults(client, FaultConfig(timeout_rate=1.0, timeout_seconds=2.0))
        with pytest.raises(httpx.ReadTimeout):
            client.get(ITEM, params={"marketplaceIds": PL}, timeout=0.3)


def test_latency_is_added(serve) -> None:
    with _client(serve) as client:
        _set_faults(client, FaultConfig(latency_ms=(250, 250)))
        started = time.monotonic()
        assert client.get(ITEM, params={"marketplaceIds": PL}).status_code == 200
        assert time.monotonic() - started >= 0.25


def test_faults_are_deterministic_for_a_seed(serve) -> None:
    def run() -> list[int]:
        with _client(serve, FaultConfig(error_rate=0.5), seed=42) as client:
            return [client.get(ITEM, params={"marketplaceIds": PL}).status_code for _ in range(8)]

    first, second = run(), run()
    assert first == second
    assert 200 in first
    assert set(first) - {200}


def test_slow_processing_changed_at_run_time(serve) -> None:
    with _client(serve) as client:
        _set_faults(client, FaultConfig(async_delay_seconds=3600))
        body = {
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "merge",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 1}],
                }
            ],
        }
        assert client.patch(ITEM, params={"marketplaceIds": PL}, json=body).status_code == 200
        client.post("/_sandbox/clock/advance", json={"seconds": 3599})
        assert client.get("/_sandbox/listings/DEMO-KUBEK-330").json()["quantity"] == 25
        client.post("/_sandbox/clock/advance", json={"seconds": 1})
        assert client.get("/_sandbox/listings/DEMO-KUBEK-330").json()["quantity"] == 1


def test_reset_restores_demo_data_and_forgets_tokens(serve) -> None:
    with _client(serve) as client:
        client.post("/_sandbox/orders", json={"items": [{"sku": "DEMO-KUBEK-330", "quantity": 5}]})
        client.post("/_sandbox/listings", json={"listings": [{"sku": "EXTRA", "quantity": 1}]})
        assert client.post("/_sandbox/reset").status_code == 204
        listings = {i["sku"]: i["quantity"] for i in client.get("/_sandbox/listings").json()}
        assert listings["DEMO-KUBEK-330"] == 25
        assert "EXTRA" not in listings
        assert client.get("/_sandbox/orders").json() == []
        assert client.get(ITEM, params={"marketplaceIds": PL}).status_code == 403


def test_empty_option_starts_without_listings(serve) -> None:
    with _client(serve, empty=True) as client:
        assert client.get("/_sandbox/listings").json() == []


def test_custom_client_credentials(serve) -> None:
    options = SandboxOptions(client_id="amzn1.application-oa2-client.x", client_secret="s3cret")
    with httpx.Client(base_url=serve(create_app(options)).url) as client:
        assert client.post("/auth/o2/token", data=GRANT).status_code == 401
        grant = {**GRANT, "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret"}
        assert client.post("/auth/o2/token", data=grant).status_code == 200
        assert client.get("/_sandbox/account").json()["client_id"] == options.client_id


def test_request_log_records_emulated_calls_only(serve) -> None:
    with _client(serve) as client:
        client.get(ITEM, params={"marketplaceIds": PL})
        client.get("/_sandbox/listings")
        entries = client.get("/_sandbox/requests", params={"path": "/listings"}).json()
        assert [(e["method"], e["path"], e["status"]) for e in entries] == [("GET", ITEM, 200)]
        assert entries[0]["query"] == f"marketplaceIds={PL}"
        everything = client.get("/_sandbox/requests").json()
        assert all(not e["path"].startswith("/_sandbox") for e in everything)


def test_unknown_routes_answer_like_the_spapi_and_docs_are_admin_only(serve) -> None:
    with _client(serve) as client:
        for path in ("/docs", "/openapi.json", "/redoc", "/catalog/2022-04-01/items"):
            answer = client.get(path)
            assert answer.status_code == 404
            assert answer.json()["errors"][0]["code"] == "NotFound"
        wrong_method = client.post(ITEM)
        assert wrong_method.status_code == 405
        assert wrong_method.json()["errors"][0]["code"] == "MethodNotAllowed"
        assert client.get("/_sandbox/docs").status_code == 200
        paths = set(client.get("/_sandbox/openapi.json").json()["paths"])
        assert {
            "/_sandbox/listings",
            "/_sandbox/orders",
            "/_sandbox/orders/{order_id}/cancel",
        } <= paths
        assert all(path.startswith("/_sandbox") for path in paths)
