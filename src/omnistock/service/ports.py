"""Ports of the service layer: the unit of work with its repositories, and the clock.

Services take a ``UnitOfWork`` first. They enter it (``with uow:``), read and write through its
repositories and call ``uow.commit()``; leaving the block without ``commit()`` rolls back, so bad
input never changes anything partially. ``omnistock.store.unit_of_work.SqlUnitOfWork`` is the
SQL implementation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from omnistock.domain.bundles import Bundle
from omnistock.domain.ids import ChannelId, ChannelKind, Sku, WarehouseId
from omnistock.domain.inventory import Reservation, StockLevel
from omnistock.domain.ledger import Movement, Recorded
from omnistock.domain.listing import Listing
from omnistock.domain.policy import Policy, PolicyRule, PolicyScope
from omnistock.domain.product import Product
from omnistock.domain.velocity import Sale

__all__ = [
    "ChannelAccount",
    "ChannelRepository",
    "Clock",
    "ListingRepository",
    "PauseRepository",
    "PolicyRepository",
    "ProductRepository",
    "ReservationRepository",
    "StockRepository",
    "UnitOfWork",
    "VelocityRepository",
]


class Clock(Protocol):
    """Where services learn the time (aware UTC); see ``omnistock.service.clock``."""

    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelAccount:
    """One channel account: its unique name and what kind of marketplace it is."""

    name: ChannelId
    kind: ChannelKind


class ProductRepository(Protocol):
    def add(self, product: Product) -> None:
        """Insert; raises ``Duplicate(field="sku")`` if the SKU exists."""

    def upsert(self, products: Sequence[Product]) -> None:
        """Insert or replace every product (catalog import)."""

    def get(self, sku: Sku) -> Product | None: ...

    def list(self) -> list[Product]: ...

    def known(self, skus: Collection[Sku]) -> set[Sku]:
        """The subset of ``skus`` that exist."""

    def groups(self, skus: Collection[Sku] | None) -> dict[Sku, str | None]:
        """Product group per SKU (``None`` = every product)."""

    def set_bundle(self, bundle: Bundle) -> None:
        """Replace the components of a kit."""

    def bundles(self) -> dict[Sku, Bundle]:
        """Every kit with its direct components."""


class ChannelRepository(Protocol):
    def add(self, account: ChannelAccount) -> None:
        """Insert; raises ``Duplicate(field="name")`` if the name exists."""

    def list(self) -> list[ChannelAccount]: ...


class ListingRepository(Protocol):
    def add(self, listing: Listing) -> None:
        """Insert; raises ``Duplicate`` if the offer id or the (channel, SKU) pair is taken."""

    def list(self, channel: ChannelId | None = None) -> list[Listing]: ...

    def desired(
        self, skus: Collection[Sku] | None
    ) -> dict[Sku, dict[ChannelId, tuple[str, int | None]]]:
        """``sku → channel → (offer_id, desired)`` for the given SKUs (``None`` = all)."""

    def set_desired(
        self, changes: Sequence[tuple[ChannelId, str, int]], *, observed_at: datetime
    ) -> int:
        """Write ``(channel, offer_id, desired)`` computed from the state seen at ``observed_at``.

        Bumps the version of each listing whose desired quantity changes; returns their count.
        """


class StockRepository(Protocol):
    def warehouses(self) -> set[WarehouseId]: ...

    def add_warehouse(self, name: WarehouseId) -> None:
        """Insert; raises ``Duplicate(field="warehouse")`` if it exists."""

    def record(self, movements: Sequence[Movement], *, recorded_at: datetime) -> list[Movement]:
        """Append movements to the ledger and update levels; returns those newly applied.

        A movement whose idempotency key is already recorded is skipped (applied once).
        A movement that would make on-hand negative raises ``InvalidValue(field="quantity")``.
        A count older than the level's last count is recorded as ``stale``, not applied.
        """

    def record_all(self, movements: Sequence[Movement], *, recorded_at: datetime) -> Recorded:
        """``record``, also reporting the counts refused as stale (older ``observed_at``)."""

    def levels(self, skus: Collection[Sku] | None) -> list[StockLevel]:
        """Current on-hand per SKU and warehouse (``None`` = all SKUs)."""


class ReservationRepository(Protocol):
    def add(self, reservations: Iterable[Reservation], *, at: datetime) -> list[Reservation]:
        """Open reservations; an existing (order_ref, sku) is kept; returns the new ones."""

    def close(self, order_ref: str, *, at: datetime) -> list[Sku]:
        """Close the open reservations of an order; returns the SKUs released."""

    def open_for(self, skus: Collection[Sku] | None) -> list[Reservation]:
        """Open reservations of the given SKUs (``None`` = all)."""


class PolicyRepository(Protocol):
    def set(self, rule: PolicyRule) -> None:
        """Insert or replace the policy of a scope and key."""

    def list(self) -> list[PolicyRule]: ...

    def rules(self) -> dict[tuple[PolicyScope, str], Policy]:
        """Every policy keyed by (scope, key), as ``resolve_policy`` wants them."""


class PauseRepository(Protocol):
    """Buffer hysteresis state: which SKUs are currently paused."""

    def paused(self, skus: Collection[Sku] | None) -> set[Sku]: ...

    def set(self, paused: Mapping[Sku, bool], *, at: datetime) -> None:
        """Record the pause state of each SKU given."""


class VelocityRepository(Protocol):
    """Inputs of the ``velocity`` strategy: recent sales and the last rebalanced shares."""

    def recent_sales(
        self, skus: Collection[Sku] | None, *, since: datetime
    ) -> dict[Sku, list[Sale]]:
        """Units sold per SKU and channel account since ``since``, in one grouped read."""

    def shares(self, skus: Collection[Sku] | None) -> dict[Sku, dict[ChannelId, Decimal]]: ...

    def set_shares(
        self, shares: Mapping[Sku, Mapping[ChannelId, Decimal]], *, at: datetime
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: repositories share it; ``commit()`` makes the changes durable."""

    @property
    def products(self) -> ProductRepository: ...

    @property
    def channels(self) -> ChannelRepository: ...

    @property
    def listings(self) -> ListingRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def policies(self) -> PolicyRepository: ...

    @property
    def pauses(self) -> PauseRepository: ...

    @property
    def velocity(self) -> VelocityRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
