"""Property-based run of the OpenAPI document (schemathesis): no request makes a server error.

Bounded: a few examples per operation, as an admin (so every route runs past its role check),
against one seeded database served on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import insert

from omnistock.bootstrap import bootstrap
from omnistock.channels.fake import InMemoryChannel
from omnistock.config import Settings
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.product import Product
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service import catalog, stock, tokens
from omnistock.service.clock import FixedClock
from omnistock.store.safety_tables import safety_heartbeats
from omnistock.store.token_repository import TokenStore

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ADMIN: dict[str, str] = {}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'api.db'}"
    with bootstrap(Settings.from_env({}, db_url=url), clock=FixedClock(T0), migrate=True) as app:
        catalog.add_channel(app.uow(), "allegro", "allegro", now=T0)
        catalog.add_product(app.uow(), Product(sku=Sku("A1"), name="Kubek"))
        stock.set_stock(app.uow(), Sku("A1"), 5, warehouse=WarehouseId("main"), actor="t", now=T0)
        catalog.link_listing(app.uow(), Sku("A1"), ChannelId("allegro"), "o-1", now=T0)
        _, secret = tokens.create_token(TokenStore(app.engine), "admin", name="fuzz", now=T0)
        with app.engine.begin() as conn:  # a fresh worker: /readyz?worker=required is 200
            conn.execute(insert(safety_heartbeats).values(holder="fuzz", beat_at=T0))
        ADMIN["Authorization"] = f"Bearer {secret}"
        fake = InMemoryChannel(name="allegro", offers={"o-1": 5})  # the probe route reads it
        with SandboxServer(create_app(app, adapters={"allegro": fake})) as server:
            yield server.url


def _no_server_errors(operation, statuses: list[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case) -> None:
        response = case.call_and_validate(headers=ADMIN, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()


def test_no_input_makes_a_server_error(served: str) -> None:
    schema = schemathesis.openapi.from_url(f"{served}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    statuses: list[int] = []
    for operation in operations:
        _no_server_errors(operation, statuses)
    assert len(statuses) >= 100  # the run really exercised the API
    assert {200, 422} <= set(statuses)
