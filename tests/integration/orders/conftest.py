"""Fixtures of the order import tests (helpers in ``orders_harness``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from orders_harness import Shop, build_shop
from sqlalchemy import Engine


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Iterator[Shop]:
    """All four channels selling 3 units of one product, synchronised once."""
    yield from build_shop(engine, tmp_path, 3)


@pytest.fixture
def big_shop(engine: Engine, tmp_path: Path) -> Iterator[Shop]:
    """All four channels selling 20 units of one product."""
    yield from build_shop(engine, tmp_path, 20)
