"""Fixtures of the service tests: a unit-of-work factory on the migrated ``engine``."""

from __future__ import annotations

import pytest
from service_helpers import CHANNELS, PRODUCTS, T0, Uow
from sqlalchemy import Engine

from omnistock.domain.ids import ChannelId, Sku
from omnistock.service import catalog
from omnistock.store.unit_of_work import SqlUnitOfWork


@pytest.fixture
def uow(engine: Engine) -> Uow:
    return lambda: SqlUnitOfWork(engine)


@pytest.fixture
def shop(uow: Uow) -> Uow:
    """Products A, B, C listed on ``allegro`` and ``shop`` (offer ids ``<channel>-<sku>``)."""
    catalog.import_products(uow(), PRODUCTS, now=T0)
    for name, kind in CHANNELS.items():
        catalog.add_channel(uow(), name, kind, now=T0)
    for sku in ("A", "B", "C"):
        for name in CHANNELS:
            catalog.link_listing(uow(), Sku(sku), ChannelId(name), f"{name}-{sku}", now=T0)
    return uow
