"""``orders import`` / ``orders watch`` read Allegro tokens from the store ``channel auth`` uses:
the database (sealed with the privacy keys), never a token file unless ``token_file`` says so."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from omnistock.channels.allegro import DeviceFlow
from omnistock.channels.allegro.tokens import auth_http
from omnistock.entrypoints.cli import main
from omnistock.privacy.cipher import FieldCipher
from omnistock.privacy.keys import load_keyring
from omnistock.sandbox.allegro import create_app
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.store.channel_token_repository import DbTokenStore

SECRET = "omnistock-sandbox"
KEYS = {
    "OMNISTOCK_PRIVACY_KEYS": "cli1:" + base64.b64encode(os.urandom(32)).decode(),
    "OMNISTOCK_PRIVACY_HASH_KEY": base64.b64encode(os.urandom(32)).decode(),
}


@pytest.fixture
def allegro() -> Iterator[tuple[Any, str]]:
    app = create_app(SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET))
    server = SandboxServer(app).start()
    try:
        yield app.state.sandbox, server.url
    finally:
        server.stop()


def _authorise_into_db(engine: Engine, sandbox: Any, url: str) -> DbTokenStore:
    """What ``omnistock channel auth allegro`` does: the device flow into the DB store."""
    store = DbTokenStore(engine, "allegro", cipher=FieldCipher(load_keyring(KEYS)))
    http = auth_http("allegro", url)
    flow = DeviceFlow(
        http=http, client_id=SECRET, client_secret=SECRET, store=store,
        clock=sandbox.clock.now, sleep=sandbox.clock.advance,
    )  # fmt: skip
    flow.poll(flow.start())
    http.close()
    return store


def _cli(*args: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["omnistock", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_and_watch_use_the_db_tokens_of_channel_auth(
    allegro: tuple[Any, str],
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox, url = allegro
    store = _authorise_into_db(engine, sandbox, url)
    stored = store.load()
    assert stored is not None
    with httpx.Client(base_url=url, timeout=10) as admin:
        made = admin.post(
            "/_sandbox/offers", json=[{"name": "Kubek testowy", "stock": 5, "price": "10.00"}]
        )
        assert made.status_code == 201, made.text
        line = {"offer_id": made.json()[0]["id"], "quantity": 1}
        assert admin.post("/_sandbox/orders", json={"lines": [line]}).status_code == 201
    config = tmp_path / "omnistock.toml"
    config.write_text(
        f'[channels.allegro]\nkind = "allegro"\nclient_id = "{SECRET}"\n'
        f'client_secret = "{SECRET}"\napi_url = "{url}"\nauth_url = "{url}"\n'
    )
    monkeypatch.chdir(tmp_path)
    for name, value in {"OMNISTOCK_DB": db_url, "OMNISTOCK_CONFIG": str(config), **KEYS}.items():
        monkeypatch.setenv(name, value)
    code, out, err = _cli(
        "orders", "import", "--channel", "allegro", "--json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, err
    assert json.loads(out)["created"] == 1
    code, out, err = _cli("orders", "watch", "--once", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert re.search(r"allegro: \d+ seen, \d+ new", err + out), err + out
    assert "retried later" not in err  # the watch round authorised with the DB tokens
    assert not list(tmp_path.glob("*tokens*.json"))  # no token file was looked for or written
    assert store.load() is not None
