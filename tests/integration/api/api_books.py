"""Helpers of the orders/invoices/compliance API tests: an app with ``[invoicing]`` settings,
privacy keys in the environment, and orders written straight into the order tables (sealed)."""

from __future__ import annotations

import base64
import dataclasses
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, update

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.domain.orders import Address, PersonalData
from omnistock.entrypoints.api import create_app
from omnistock.privacy.keys import ENV_HASH_KEY, ENV_KEYS
from omnistock.privacy.sealing import Sealer
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service import tokens
from omnistock.service.clock import FixedClock
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.privacy_tables import privacy_audit
from omnistock.store.tables import products
from omnistock.store.token_repository import TokenStore

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # the API tests' fixed time (conftest uses it)

INVOICING = {
    "nip": "5261040828",
    "name": "Przykładowy Sklep sp. z o.o.",
    "address": ["ul. Prosta 1", "00-001 Warszawa"],
    "bank_account": "PL61109010140000071219812874",
}
SCRIPT = "<script>alert(1)</script>"
BUYER = PersonalData(
    name="Jan Kowalski",
    invoice=Address(
        company="Żółta Łódź sp. z o.o.", street="ul. Długa 5", city="Gdańsk", post_code="80-001"
    ),
    nip="7740001454",
)


@dataclass
class Books:
    app: App
    url: str
    secrets: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[role]}"}

    @property
    def sealer(self) -> PrivacySealer:
        return PrivacySealer(Sealer.from_env(os.environ))

    def product(self, sku: str, price: str, name: str | None = None) -> None:
        with self.app.engine.begin() as conn:
            conn.execute(insert(products).values(
                sku=sku, name=name or f"Kubek {sku}", ean=None, vat="23", unit="szt.",
                price_gross=Decimal(price)))  # fmt: skip

    def order(self, lines: list[tuple[str, int]], *, external_id: str = "ext-1",
              status: str = "paid", channel: str = "allegro") -> int:  # fmt: skip
        with self.app.engine.begin() as conn:
            now = self.app.clock.now()
            order_id = conn.execute(insert(orders).values(
                channel=channel, external_id=external_id, status=status,
                invoice_requested=True, first_seen_at=now, last_seen_at=now,
            ).returning(orders.c.id)).scalar_one()  # fmt: skip
            sealed = self.sealer.seal_order(order_id, BUYER)
            conn.execute(update(orders).where(orders.c.id == order_id).values(**sealed))
            conn.execute(insert(order_lines), [
                {"order_id": order_id, "line_id": f"l{i}", "offer_id": f"{SCRIPT}{i}",
                 "sku": sku, "quantity": qty} for i, (sku, qty) in enumerate(lines)])  # fmt: skip
        return int(order_id)

    def audits(self) -> int:
        with self.app.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(privacy_audit)).scalar_one())


@contextmanager
def served_books(
    tmp_path: Path,
    migrated_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    adapters: Mapping[str, Any] | None = None,
) -> Iterator[Books]:
    """A served app with ``[invoicing]`` configured, privacy keys set and a token per role."""
    monkeypatch.setenv(ENV_KEYS, "t1:" + base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv(ENV_HASH_KEY, base64.b64encode(os.urandom(32)).decode())
    for name in ("OMNISTOCK_KSEF_NIP", "OMNISTOCK_KSEF_TOKEN", "OMNISTOCK_KSEF_URL"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(migrated_db, tmp_path / "api.db")
    settings = Settings.from_env({}, db_url=f"sqlite:///{tmp_path / 'api.db'}")
    settings = dataclasses.replace(settings, sections={"invoicing": INVOICING})

    with bootstrap(settings, clock=FixedClock(T0)) as app:
        store = TokenStore(app.engine)
        secrets = {
            role.value: tokens.create_token(store, role, name=f"t-{role.value}", now=T0)[1]
            for role in tokens.Role
        }
        with SandboxServer(create_app(app, adapters=adapters)) as running:
            yield Books(app=app, url=running.url, secrets=secrets)


@contextmanager
def client_of(books: Books) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=books.url, timeout=20) as client:
        yield client
