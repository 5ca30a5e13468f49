"""Stock levels, reservations and bundles: how many units of a SKU can still be sold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku, WarehouseId

__all__ = ["BundleComponent", "Reservation", "StockLevel", "available", "bundle_available"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLevel:
    """Units physically on hand of one SKU in one warehouse."""

    sku: Sku
    warehouse: WarehouseId
    on_hand: int

    def __post_init__(self) -> None:
        if self.on_hand < 0:
            raise InvalidValue("on hand must not be negative", field="on_hand")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reservation:
    """Units promised to an order line and not yet shipped."""

    sku: Sku
    quantity: int
    order_ref: str
    open: bool = True

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidValue("reservation quantity must be positive", field="quantity")


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleComponent:
    """One component of a bundle/kit: ``quantity`` units of ``sku`` per bundle."""

    sku: Sku
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidValue("component quantity must be positive", field="quantity")


def available(levels: Iterable[StockLevel], reservations: Iterable[Reservation]) -> int:
    """``Σ on_hand − Σ open reservations``, never below zero."""
    on_hand = sum(level.on_hand for level in levels)
    reserved = sum(r.quantity for r in reservations if r.open)
    return max(0, on_hand - reserved)


def bundle_available(
    components: Iterable[BundleComponent], component_available: Mapping[Sku, int]
) -> int:
    """Bundles that can be built: min over components of ``available // qty_per_bundle``."""
    counts = [component_available.get(c.sku, 0) // c.quantity for c in components]
    return min(counts) if counts else 0
