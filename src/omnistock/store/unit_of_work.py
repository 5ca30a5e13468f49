"""The SQL unit of work: one connection and transaction shared by every repository.

```python
with SqlUnitOfWork(engine) as uow:
    uow.products.add(product)
    uow.commit()          # leaving the block without commit() rolls back
```
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from omnistock.store.catalog_repository import SqlChannelRepository, SqlProductRepository
from omnistock.store.listing_repository import SqlListingRepository
from omnistock.store.policy_repository import SqlPolicyRepository
from omnistock.store.stock_repository import (
    SqlPauseRepository,
    SqlReservationRepository,
    SqlStockRepository,
)
from omnistock.store.velocity_repository import SqlVelocityRepository

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """Implements ``omnistock.service.ports.UnitOfWork`` on a SQLAlchemy engine."""

    products: SqlProductRepository
    channels: SqlChannelRepository
    listings: SqlListingRepository
    stock: SqlStockRepository
    reservations: SqlReservationRepository
    policies: SqlPolicyRepository
    pauses: SqlPauseRepository
    velocity: SqlVelocityRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The open connection (only inside ``with``)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open; use it in a with block")
        return self._conn

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("the unit of work is already open")
        conn = self._conn = self.engine.connect()
        self.products = SqlProductRepository(conn)
        self.channels = SqlChannelRepository(conn)
        self.listings = SqlListingRepository(conn)
        self.stock = SqlStockRepository(conn)
        self.reservations = SqlReservationRepository(conn)
        self.policies = SqlPolicyRepository(conn)
        self.pauses = SqlPauseRepository(conn)
        self.velocity = SqlVelocityRepository(conn)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self.connection, None
        try:
            conn.rollback()
        finally:
            conn.close()

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()
