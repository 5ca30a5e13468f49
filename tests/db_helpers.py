"""Small builders shared by the store and service integration tests (tests/ is on sys.path)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, ChannelKind, Sku, WarehouseId
from omnistock.domain.ledger import Movement, MovementKind
from omnistock.domain.product import Product
from omnistock.service.ports import ChannelAccount
from omnistock.store.unit_of_work import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def seed(engine: Engine, skus: list[str], channels: dict[str, ChannelKind] | None = None) -> None:
    """Products (name = SKU) and channel accounts, committed."""
    with SqlUnitOfWork(engine) as uow:
        for sku in skus:
            uow.products.add(Product(sku=Sku(sku), name=f"Produkt {sku}"))
        for name, kind in (channels or {}).items():
            uow.channels.add(ChannelAccount(name=ChannelId(name), kind=kind))
        uow.commit()


def movement(
    sku: str,
    quantity: int,
    *,
    kind: MovementKind = MovementKind.SET,
    key: str | None = None,
    warehouse: WarehouseId = DEFAULT_WAREHOUSE,
) -> Movement:
    return Movement(
        sku=Sku(sku),
        warehouse=warehouse,
        kind=kind,
        quantity=quantity,
        observed_at=T0,
        reason="test",
        source="test",
        actor="tester",
        idempotency_key=key,
    )


def on_hand(engine: Engine, sku: str) -> dict[str, int]:
    with SqlUnitOfWork(engine) as uow:
        return {lvl.warehouse: lvl.on_hand for lvl in uow.stock.levels([Sku(sku)])}


def race(work: Callable[[], object], workers: int = 2) -> list[BaseException]:
    """Run ``work()`` in ``workers`` threads released together; returns their errors."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors
