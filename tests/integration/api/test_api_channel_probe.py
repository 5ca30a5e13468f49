"""``POST /api/v1/channels/{channel}/test`` against the WooCommerce sandbox over loopback HTTP:
auth, documented limits and latency (the CLI's ``channel test`` uses the same service)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.domain.ids import ChannelId, Sku
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service import catalog

SECRET = "probe-secret"


@pytest.fixture
def shop() -> Iterator[SandboxServer]:
    options = SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)
    with SandboxServer(create_woo(options)) as server:
        with httpx.Client(base_url=server.url, timeout=10) as admin:
            body = {"products": [{"name": "Kubek", "sku": "A1", "stock_quantity": 4}]}
            created = admin.post("/_sandbox/products", json=body)
            assert created.status_code == 201, created.text
            server.offer_id = str(created.json()[0]["id"])  # type: ignore[attr-defined]
        yield server


def _adapter(url: str, secret: str) -> WooAdapter:
    return WooAdapter(
        WooConfig(base_url=url, consumer_key=SECRET, consumer_secret=secret, name="sklep")
    )


@pytest.fixture
def api(seeded, shop) -> Iterator[httpx.Client]:
    """Channel ``sklep`` (the sandbox, right keys) and ``zly`` (the sandbox, a wrong secret)."""
    now = seeded.clock.now()
    for name in ("sklep", "zly"):
        catalog.add_channel(seeded.uow(), name, "woocommerce", now=now)
        catalog.link_listing(seeded.uow(), Sku("A1"), ChannelId(name), shop.offer_id, now=now)
    adapters = {"sklep": _adapter(shop.url, SECRET), "zly": _adapter(shop.url, "wrong")}
    try:
        with SandboxServer(create_app(seeded, adapters=adapters)) as server:
            with httpx.Client(base_url=server.url, timeout=20) as client:
                yield client
    finally:
        for adapter in adapters.values():
            adapter.close()


def test_probe_reports_auth_limits_and_latency(api, as_role) -> None:
    answer = api.post("/api/v1/channels/sklep/test", headers=as_role("operator"))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["channel"], report["kind"], report["auth_ok"]) == ("sklep", "woocommerce", True)
    assert report["read_offers"] == 1
    assert report["latency_ms"] > 0
    assert report["limits"]["requests_per_window"] == 120  # WooConfig.requests_per_minute
    assert report["limits"]["window_s"] == 60
    assert report["error"] is None


def test_probe_reports_refused_credentials(api, as_role) -> None:
    report = api.post("/api/v1/channels/zly/test", headers=as_role("operator")).json()
    assert report["auth_ok"] is False
    assert "HTTP 401" in report["error"], report["error"]  # the shop refused the keys


def test_probe_needs_operator_a_known_channel_and_an_adapter(api, as_role) -> None:
    assert api.post("/api/v1/channels/sklep/test").status_code == 401
    assert api.post("/api/v1/channels/sklep/test", headers=as_role("viewer")).status_code == 403
    missing = api.post("/api/v1/channels/nope/test", headers=as_role("operator"))
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "channel"
    unwired = api.post("/api/v1/channels/allegro/test", headers=as_role("operator"))
    assert unwired.status_code == 422  # the account exists, this server has no adapter for it
    assert unwired.json()["errors"][0]["field"] == "channel"
