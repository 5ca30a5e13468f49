"""The stock ledger: every change of on-hand is an append-only movement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku, WarehouseId

__all__ = ["Movement", "MovementKind", "apply_movement"]


class MovementKind(StrEnum):
    """``set`` replaces the on-hand count (a stock take); ``adjust`` adds a signed delta."""

    SET = "set"
    ADJUST = "adjust"


@dataclass(frozen=True, slots=True, kw_only=True)
class Movement:
    """One change of on-hand of a SKU in a warehouse, with who, why and from what observation.

    ``idempotency_key`` identifies the movement: recording the same key twice changes nothing.
    ``observed_at`` is when the stock state was observed (aware UTC).
    """

    sku: Sku
    warehouse: WarehouseId
    kind: MovementKind
    quantity: int
    observed_at: datetime
    reason: str = ""
    source: str = ""
    actor: str = ""
    idempotency_key: str | None = None

    def __post_init__(self) -> None:
        if self.kind is MovementKind.SET and self.quantity < 0:
            raise InvalidValue("a stock count must not be negative", field="quantity")
        if self.observed_at.tzinfo is None:
            raise InvalidValue("observed-at must be timezone-aware", field="observed_at")
        if self.idempotency_key is not None and not self.idempotency_key.strip():
            raise InvalidValue("idempotency key must not be blank", field="idempotency_key")


def apply_movement(on_hand: int, movement: Movement) -> int:
    """The on-hand count after ``movement``; raises ``InvalidValue`` if it would go negative."""
    if movement.kind is MovementKind.SET:
        result = movement.quantity
    else:
        result = on_hand + movement.quantity
    if result < 0:
        raise InvalidValue(
            f"on hand of {movement.sku} in {movement.warehouse} would become {result}",
            field="quantity",
        )
    return result
