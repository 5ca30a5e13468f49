"""``/api/v1/privacy``: admin only; export and erase answer like the CLI and are audited."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from privacy_helpers import keys_env
from test_privacy_cli import add_orders

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service import tokens
from omnistock.service.clock import FixedClock
from omnistock.store.privacy_repository import audit_entries
from omnistock.store.token_repository import TokenStore

T0 = datetime.now(UTC)


@pytest.fixture
def omni(tmp_path: Path) -> Iterator[App]:
    settings = Settings.from_env({}, db_url=f"sqlite:///{tmp_path / 'api.db'}")
    with bootstrap(settings, clock=FixedClock(T0), migrate=True) as app:
        yield app


@pytest.fixture
def served(omni: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[httpx.Client, Any]]:
    for name, value in keys_env("old").items():
        monkeypatch.setenv(name, value)
    api = create_app(omni)
    with SandboxServer(api) as running, httpx.Client(base_url=running.url, timeout=10) as http:
        yield http, api


@pytest.fixture
def client(served: tuple[httpx.Client, Any]) -> httpx.Client:
    return served[0]


def bearer(omni: App, role: tokens.Role) -> dict[str, str]:
    _, secret = tokens.create_token(TokenStore(omni.engine), role, name=f"t-{role.value}", now=T0)
    return {"Authorization": f"Bearer {secret}"}


def test_only_admins_may_export_or_erase(omni: App, client: httpx.Client) -> None:
    add_orders(omni.engine, 1)
    for role in (tokens.Role.VIEWER, tokens.Role.OPERATOR):
        for path in ("/api/v1/privacy/export", "/api/v1/privacy/erase"):
            answer = client.post(path, json={"customer": "allegro:1"}, headers=bearer(omni, role))
            assert answer.status_code == 403, (role, path)
            assert "Zofia" not in answer.text
    assert client.post("/api/v1/privacy/export", json={"customer": "allegro:1"}).status_code == 401
    assert audit_entries(omni.engine) == []


def test_admin_export_and_erase_are_audited(omni: App, client: httpx.Client) -> None:
    add_orders(omni.engine, 2)
    admin = bearer(omni, tokens.Role.ADMIN)
    found = client.post(
        "/api/v1/privacy/export", json={"email": "zofia1@example.pl"}, headers=admin
    )
    assert found.status_code == 200, found.text
    [record] = found.json()["records"]
    assert record["fields"]["buyer_name"]["value"] == "Zofia Nowakowska-1"
    erased = client.post("/api/v1/privacy/erase", json={"customer": "allegro:1"}, headers=admin)
    assert erased.status_code == 200, erased.text
    assert "orders.invoice_address#1" in {k["field"] for k in erased.json()["kept"]}
    nobody = client.post("/api/v1/privacy/export", json={"phone": "700000000"}, headers=admin)
    assert nobody.json() == {**nobody.json(), "held": False, "records": []}
    entries = [(e.action, e.actor, e.surface, e.records) for e in audit_entries(omni.engine)]
    assert entries == [
        ("export", "api:t-admin", "api", 1),
        ("erase", "api:t-admin", "api", 1),
        ("export", "api:t-admin", "api", 0),
    ]


def test_bad_request_or_missing_keys_is_a_problem_and_reads_nothing(
    omni: App, served: tuple[httpx.Client, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, api = served
    add_orders(omni.engine, 1)
    admin = bearer(omni, tokens.Role.ADMIN)
    empty = client.post("/api/v1/privacy/export", json={}, headers=admin)
    assert empty.status_code == 422
    monkeypatch.delenv("OMNISTOCK_PRIVACY_KEYS")
    api.state.privacy_sealer = None
    nokeys = client.post("/api/v1/privacy/export", json={"customer": "allegro:1"}, headers=admin)
    assert nokeys.status_code == 422
    assert nokeys.headers["content-type"] == "application/problem+json"
    assert audit_entries(omni.engine) == []


def test_the_app_factory_installs_log_redaction(omni: App) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        create_app(omni)
        logging.getLogger("omnistock.test").warning("buyer %s", "zofia9@example.pl")
    finally:
        root.removeHandler(handler)
    assert "zofia9@example.pl" not in stream.getvalue()
    assert "buyer [redacted]" in stream.getvalue()
