"""Use cases of reservations: an order line reserves units (a kit reserves its components)."""

from __future__ import annotations

from datetime import datetime

from omnistock.domain.bundles import reservations_for_line
from omnistock.domain.errors import InvalidValue, UnknownSku
from omnistock.domain.ids import Sku
from omnistock.service.allocation import recompute_in
from omnistock.service.ports import UnitOfWork

__all__ = ["release", "reserve"]


def reserve(uow: UnitOfWork, sku: Sku, quantity: int, order_ref: str, *, now: datetime) -> int:
    """Reserve an order line (again for the same order: no change); returns listings changed."""
    if not order_ref.strip():
        raise InvalidValue("order reference must not be empty", field="order_ref")
    with uow:
        if not uow.products.known([sku]):
            raise UnknownSku(f"no product {sku!r}", field="sku")
        lines = reservations_for_line(sku, quantity, order_ref, uow.products.bundles())
        added = uow.reservations.add(lines, at=now)
        changed = recompute_in(uow, [r.sku for r in added], now=now) if added else 0
        uow.commit()
    return changed


def release(uow: UnitOfWork, order_ref: str, *, now: datetime) -> int:
    """Close the open reservations of an order (shipped or cancelled); returns listings changed."""
    with uow:
        released = uow.reservations.close(order_ref, at=now)
        changed = recompute_in(uow, released, now=now) if released else 0
        uow.commit()
    return changed
