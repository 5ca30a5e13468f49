"""Fixtures of the API tests: a migrated SQLite database, the ASGI app, tokens per role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_books import T0

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service import catalog, stock, tokens
from omnistock.service.clock import FixedClock
from omnistock.store.token_repository import TokenStore


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated once; each test gets a copy (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("api-template") / "api.db"
    settings = Settings.from_env({}, db_url=f"sqlite:///{path}")
    bootstrap(settings, migrate=True).close()
    return path


@pytest.fixture
def omni(tmp_path: Path, migrated_db: Path) -> Iterator[App]:
    shutil.copy(migrated_db, tmp_path / "api.db")
    settings = Settings.from_env({}, db_url=f"sqlite:///{tmp_path / 'api.db'}")
    with bootstrap(settings, clock=FixedClock(T0)) as app:
        yield app


@pytest.fixture
def secrets_by_role(omni: App) -> dict[str, str]:
    """One active token per role (secret by role name)."""
    store = TokenStore(omni.engine)
    return {
        role.value: tokens.create_token(store, role, name=f"test-{role.value}", now=T0)[1]
        for role in tokens.Role
    }


@pytest.fixture
def seeded(omni: App) -> App:
    """A channel ``allegro``, product ``A1`` with 10 on hand and a listing ``offer-1``."""
    catalog.add_channel(omni.uow(), "allegro", "allegro", now=T0)
    catalog.add_product(omni.uow(), Product(sku=Sku("A1"), name="Kubek"))
    stock.set_stock(omni.uow(), Sku("A1"), 10, warehouse=WarehouseId("main"), actor="test", now=T0)
    catalog.link_listing(omni.uow(), Sku("A1"), ChannelId("allegro"), "offer-1", now=T0)
    return omni


@pytest.fixture
def server(seeded: App) -> Iterator[SandboxServer]:
    """The app served by uvicorn on a loopback port (real HTTP)."""
    with SandboxServer(create_app(seeded)) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


@pytest.fixture
def as_role(secrets_by_role: dict[str, str]):
    """``as_role("viewer")`` → the Authorization header of that role's token."""

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secrets_by_role[role]}"}

    return headers
