"""``omnistock worker --once`` with real HTTP adapters built from ``[channels.NAME]`` tables.

The four sandboxes run on loopback in this process; the worker is a subprocess whose
configuration file points at them (secrets through ``env:`` values), exactly as a seller's
``omnistock.toml`` points at the real APIs. A buyer's order on the shop sandbox is imported by
the worker itself (no ``orders watch``) and the decrease reaches the other channels.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from omnistock.bootstrap import bootstrap
from omnistock.channels.allegro import DeviceFlow, FileTokenStore
from omnistock.channels.allegro.tokens import auth_http
from omnistock.config import Settings
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.privacy.cipher import FieldCipher
from omnistock.privacy.keys import ENV_HASH_KEY, ENV_KEYS, keyring_from_text
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as create_amazon
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.meta.app import create_app as create_meta
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service.catalog import add_channel, add_product, link_listing
from omnistock.service.stock import set_stock
from omnistock.store.channel_token_repository import DbTokenStore
from omnistock.store.channel_token_tables import channel_tokens
from omnistock.store.engine import make_engine

pytestmark = pytest.mark.e2e

SECRET = "wiring-secret"
CATALOG = "100000000000001"
SKU = Sku("KUBEK-1")


class Sandboxes:
    """The four sandboxes on loopback, their admin clients and the offer ids seeded in them."""

    def __init__(self, tmp_path: Path) -> None:
        options = SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)
        apps = {
            "allegro": create_allegro(options),
            "shop": create_woo(options),
            "amazon": create_amazon(options),
            "meta": create_meta(options),
        }
        self.servers = {name: SandboxServer(app).start() for name, app in apps.items()}
        self.apps = apps
        self.admins = {n: httpx.Client(base_url=s.url, timeout=10) for n, s in self.servers.items()}
        self.offers: dict[str, str] = {}
        self.token_file = tmp_path / "allegro-tokens.json"

    def close(self) -> None:
        for client in self.admins.values():
            client.close()
        for server in self.servers.values():
            server.stop()

    def authorise_allegro(self) -> None:
        """The device flow against the Allegro sandbox (it approves the code by itself)."""
        sandbox = self.apps["allegro"].state.sandbox
        http = auth_http("allegro", self.servers["allegro"].url)
        flow = DeviceFlow(
            http=http,
            client_id=SECRET,
            client_secret=SECRET,
            store=FileTokenStore(self.token_file),
            clock=sandbox.clock.now,
            sleep=sandbox.clock.advance,
        )
        flow.poll(flow.start())
        http.close()

    def seed(self, stock: int) -> None:
        made = self._post(
            "allegro", "/_sandbox/offers", [{"name": "Kubek", "stock": stock, "price": "10.00"}]
        )
        self.offers["allegro"] = made[0]["id"]
        product = {"name": "Kubek", "sku": str(SKU), "stock_quantity": stock}
        made = self._post("shop", "/_sandbox/products", {"products": [product]})
        self.offers["shop"] = str(made[0]["id"])
        listing = {"sku": "AMZ-KUBEK-1", "quantity": stock}
        self._post("amazon", "/_sandbox/listings", {"listings": [listing]})
        self.offers["amazon"] = "AMZ-KUBEK-1"
        item = {"retailer_id": "kubek-1", "title": "Kubek", "quantity_to_sell_on_facebook": stock}
        self._post("meta", "/_sandbox/items", {"catalog_id": CATALOG, "items": [item]})
        self.offers["meta"] = "kubek-1"

    def _post(self, name: str, path: str, body: Any) -> Any:
        response = self.admins[name].post(path, json=body)
        assert response.status_code < 300, response.text
        return response.json()

    def shown(self) -> dict[str, int]:
        """Each channel's quantity of the seeded offer, read through the admin routes."""
        allegro = self.admins["allegro"].get("/_sandbox/offers/quantities").json()
        row = next(r for r in allegro if r["id"] == self.offers["allegro"])
        shop = self.admins["shop"].get("/_sandbox/quantities").json()
        amazon = self.admins["amazon"].get("/_sandbox/listings").json()
        meta = self.admins["meta"].get("/_sandbox/quantities", params={"catalog_id": CATALOG})
        return {
            "allegro": row["available"] if row["status"] == "ACTIVE" else 0,
            "shop": next(r["stock_quantity"] for r in shop if str(r["id"]) == self.offers["shop"]),
            "amazon": next(r["quantity"] for r in amazon if r["sku"] == "AMZ-KUBEK-1"),
            "meta": next(
                i["quantity_to_sell_on_facebook"]
                for i in meta.json()["items"]
                if i["retailer_id"] == "kubek-1"
            ),
        }

    def config(self, token_file: bool = True) -> str:
        """``omnistock.toml`` pointing every channel account at its sandbox (Allegro tokens in
        ``token_file``, or else in the database)."""
        amazon = self.admins["amazon"].get("/_sandbox/account").json()
        url = {name: server.url for name, server in self.servers.items()}
        return f"""
[channels.allegro]
kind = "allegro"
client_id = "env:ALLEGRO_CLIENT_ID"
client_secret = "env:ALLEGRO_CLIENT_SECRET"
api_url = "{url["allegro"]}"
auth_url = "{url["allegro"]}"
{f'token_file = "{self.token_file}"' if token_file else ""}

[channels.shop]
kind = "woocommerce"
base_url = "{url["shop"]}"
consumer_key = "env:WOO_KEY"
consumer_secret = "env:WOO_SECRET"
order_poll_s = 5

[channels.amazon]
kind = "amazon"
api_url = "{url["amazon"]}"
token_url = "{url["amazon"]}{amazon["token_path"]}"
client_id = "env:LWA_ID"
client_secret = "env:LWA_SECRET"
refresh_token = "{amazon["refresh_token"]}"
seller_id = "{amazon["seller_id"]}"
marketplace_id = "{amazon["marketplace_id"]}"

[channels.meta]
kind = "meta"
graph_url = "{url["meta"]}"
catalog_id = "{CATALOG}"
access_token = "env:META_TOKEN"
"""


@pytest.fixture
def sandboxes(tmp_path: Path) -> Iterator[Sandboxes]:
    found = Sandboxes(tmp_path)
    try:
        yield found
    finally:
        found.close()


def _store(tmp_path: Path, offers: dict[str, str], stock: int) -> str:
    url = f"sqlite:///{tmp_path / 'omnistock.db'}"
    with bootstrap(Settings.from_env({}, db_url=url), migrate=True) as app:
        now = app.clock.now()
        add_product(app.uow(), Product(sku=SKU, name="Kubek"))
        set_stock(app.uow(), SKU, stock, warehouse=WarehouseId("main"), actor="test", now=now)
        for name, offer in offers.items():
            kind = {"shop": "woocommerce"}.get(name, name)
            add_channel(app.uow(), name, kind, now=now)
            link_listing(app.uow(), SKU, ChannelId(name), offer, now=now)
    return url


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    secrets = ("ALLEGRO_CLIENT_ID", "ALLEGRO_CLIENT_SECRET", "WOO_KEY", "WOO_SECRET")
    env.update(dict.fromkeys((*secrets, "LWA_ID", "LWA_SECRET", "META_TOKEN"), SECRET))
    key = base64.b64encode(os.urandom(32)).decode()
    env["OMNISTOCK_PRIVACY_KEYS"] = f"k1:{key}"
    env["OMNISTOCK_PRIVACY_HASH_KEY"] = base64.b64encode(os.urandom(32)).decode()
    env["OMNISTOCK_CONFIG"] = str(config)
    return env


def _wait(
    shown: Callable[[], dict[str, int]], expected: dict[str, int], deadline_s: float = 60
) -> None:
    """Wait (polling the sandboxes, no fixed sleep) until they show ``expected``."""
    end = time.monotonic() + deadline_s
    while (now := shown()) != expected:
        assert time.monotonic() < end, now
        threading.Event().wait(0.1)


def _prepared(
    sandboxes: Sandboxes, tmp_path: Path, *, db_tokens: bool = False
) -> tuple[str, dict[str, str]]:
    sandboxes.authorise_allegro()
    sandboxes.seed(stock=9)
    url = _store(tmp_path, sandboxes.offers, stock=5)
    config = tmp_path / "omnistock.toml"
    config.write_text(sandboxes.config(token_file=not db_tokens), encoding="utf-8")
    env = _env(config)
    if db_tokens:  # the device flow's pair moved into channel_tokens, sealed with the keys
        keyring = keyring_from_text(env[ENV_KEYS], env[ENV_HASH_KEY])
        engine = make_engine(url)
        store = DbTokenStore(engine, "allegro", cipher=FieldCipher(keyring))
        store.save(FileTokenStore(sandboxes.token_file).load())  # type: ignore[arg-type]
        engine.dispose()
        sandboxes.token_file.unlink()
    return url, env


def _command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "omnistock", "--db", url, *args]


def test_worker_once_pushes_real_quantities_through_adapters_from_the_config(
    sandboxes: Sandboxes, tmp_path: Path
) -> None:
    url, env = _prepared(sandboxes, tmp_path)
    done = subprocess.run(
        _command(url, "worker", "--once"),
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # one pass: every channel got the quantity (Meta's batch is applied asynchronously)
    _wait(sandboxes.shown, {"allegro": 5, "shop": 5, "amazon": 5, "meta": 5})


def test_running_worker_imports_a_shop_order_and_pushes_the_decrease_everywhere(
    sandboxes: Sandboxes, tmp_path: Path
) -> None:
    url, env = _prepared(sandboxes, tmp_path, db_tokens=True)
    worker = subprocess.Popen(
        _command(url, "worker", "--interval", "0.3"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(sandboxes.shown, {"allegro": 5, "shop": 5, "amazon": 5, "meta": 5})
        order = {"lines": [{"sku": str(SKU), "quantity": 2}]}
        sandboxes._post("shop", "/_sandbox/orders", order)
        _wait(sandboxes.shown, {"allegro": 3, "shop": 3, "amazon": 3, "meta": 3})
    finally:
        worker.terminate()
        _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err


def test_channel_auth_stores_sealed_tokens_and_channel_test_reports(
    sandboxes: Sandboxes, tmp_path: Path
) -> None:
    sandboxes.seed(stock=9)
    url = _store(tmp_path, sandboxes.offers, stock=5)
    config = tmp_path / "omnistock.toml"
    config.write_text(sandboxes.config(token_file=False), encoding="utf-8")
    env = _env(config)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _command(url, *args), env=env, capture_output=True, text=True, timeout=120
        )

    before = cli("channel", "test", "allegro", "--json")
    assert before.returncode == 1  # no tokens yet: auth fails, and says so
    assert json.loads(before.stdout)["auth_ok"] is False

    authorised = cli("channel", "auth", "allegro")
    assert authorised.returncode == 0, authorised.stderr
    shown = authorised.stdout + authorised.stderr
    assert "enter the code" in shown
    assert "tokens stored in the database (sealed)" in shown
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(channel_tokens)).one()
    engine.dispose()
    assert row.channel == "allegro"
    assert row.refresh_token.startswith("v1:k1:")

    for name in ("allegro", "shop", "amazon", "meta"):
        tested = cli("channel", "test", name, "--json")
        assert tested.returncode == 0, (name, tested.stdout, tested.stderr)
        report = json.loads(tested.stdout)
        assert report["auth_ok"] is True
        assert report["read_offers"] == 1
        assert report["latency_ms"] > 0
        assert report["limits"]["requests_per_window"] > 0
