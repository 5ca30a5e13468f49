"""``omnistock orders import|list|show`` as a user runs them, against the WooCommerce sandbox."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.woocommerce.app import create_app

pytestmark = pytest.mark.e2e
SECRET = "omnistock-sandbox"
KEYS = {
    "OMNISTOCK_PRIVACY_KEYS": "e2e1:" + base64.b64encode(os.urandom(32)).decode(),
    "OMNISTOCK_PRIVACY_HASH_KEY": base64.b64encode(os.urandom(32)).decode(),
}


@pytest.fixture
def shop_url() -> Iterator[str]:
    app = create_app(SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET))
    server = SandboxServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def _env(db: Path, keys: bool) -> dict[str, str]:
    """The caller's environment without OMNISTOCK_* variables, plus the database (and keys)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env |= {"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return env | {"OMNISTOCK_DB": f"sqlite:///{db}"} | (KEYS if keys else {})


def _run(cwd: Path, *args: str, keys: bool = True) -> Result:
    env = _env(cwd / "omnistock.db", keys)
    done = subprocess.run(
        [sys.executable, "-m", "omnistock", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def _order(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=10) as admin:
        product = {"name": "Kubek", "sku": "KUBEK-1", "stock_quantity": 5}
        admin.post("/_sandbox/products", json={"products": [product]}).raise_for_status()
        placed = admin.post("/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 2}]})
        placed.raise_for_status()
        return dict(placed.json())


def test_import_list_and_show_orders(tmp_path: Path, shop_url: str) -> None:
    (tmp_path / "omnistock.toml").write_text(
        f'[channels.sklep]\ntype = "woocommerce"\nbase_url = "{shop_url}"\n'
        f'consumer_key = "{SECRET}"\nconsumer_secret = "{SECRET}"\n\n'
        "[privacy]\nkeep_order_email = true\n",
        encoding="utf-8",
    )
    placed = _order(shop_url)
    assert _run(tmp_path, "migrate").code == 0
    imported = _run(
        tmp_path, "orders", "import", "--channel", "sklep", "--since", "2000-01-01", "--json"
    )
    assert imported.code == 0, imported.err
    assert json.loads(imported.out)["created"] == 1
    listed = _run(tmp_path, "orders", "list", "--json")
    (order,) = json.loads(listed.out)
    assert (order["external_id"], order["unlinked"]) == (str(placed["id"]), True)
    last_name = placed["billing"]["last_name"]
    assert last_name not in listed.out
    plain = _run(tmp_path, "orders", "show", str(order["id"]), "--json")
    assert plain.code == 0, plain.err
    assert "personal" not in json.loads(plain.out)
    opened = _run(tmp_path, "orders", "show", str(order["id"]), "--json", "--with-personal")
    personal = json.loads(opened.out)["personal"]
    assert last_name in personal["name"]
    assert personal["email"] == placed["billing"]["email"]
    assert personal["phone"] is None  # not configured to keep
    denied = _run(tmp_path, "orders", "show", str(order["id"]), "--with-personal", keys=False)
    assert denied.code == 2
    assert "OMNISTOCK_PRIVACY_KEYS" in denied.err
    watched = _run(tmp_path, "orders", "watch", "--once")
    assert watched.code == 0, watched.err
    assert "sklep: 1 seen, 0 new" in watched.out + watched.err
    unknown = _run(tmp_path, "orders", "import", "--channel", "nope")
    assert unknown.code == 2
    assert "channels.nope" in unknown.err
