"""The stock ledger: every change of on-hand is an append-only movement.

A count (``set``) carries when the stock was observed; an older observation never replaces a
newer one: a count observed before the level's last applied count is recorded in the ledger as
``stale`` and changes nothing. Adjustments (signed deltas from orders, reservations, people)
are always applied and leave the level's observation time as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.ids import Sku, WarehouseId

__all__ = [
    "FUTURE_TOLERANCE",
    "Movement",
    "MovementKind",
    "Recorded",
    "StaleCount",
    "StaleObservation",
    "apply_movement",
    "check_observed_at",
    "is_stale",
    "parse_observed_at",
]

FUTURE_TOLERANCE = timedelta(minutes=1)
"""How far ahead of ``now`` an observation time may be (clock skew); later is an error."""


class MovementKind(StrEnum):
    """``set`` replaces the on-hand count (a stock take); ``adjust`` adds a signed delta."""

    SET = "set"
    ADJUST = "adjust"
    STALE = "stale"
    """A count older than the level's last count: kept in the ledger, not applied."""


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
    elif movement.kind is MovementKind.STALE:
        result = on_hand
    else:
        result = on_hand + movement.quantity
    if result < 0:
        raise InvalidValue(
            f"on hand of {movement.sku} in {movement.warehouse} would become {result}",
            field="quantity",
        )
    return result


def is_stale(movement: Movement, level_observed_at: datetime | None) -> bool:
    """True for a count observed before the level's last applied count (a tie is not stale)."""
    return (
        movement.kind is MovementKind.SET
        and level_observed_at is not None
        and movement.observed_at < level_observed_at
    )


def check_observed_at(observed_at: datetime, now: datetime) -> None:
    """``InvalidValue(field="observed_at")`` for a naive time or one later than now (+ skew)."""
    if observed_at.tzinfo is None:
        raise InvalidValue("observed_at must be timezone-aware", field="observed_at")
    if observed_at > now + FUTURE_TOLERANCE:
        raise InvalidValue(
            f"observed_at {observed_at.isoformat()} is in the future (now {now.isoformat()})",
            field="observed_at",
        )


def parse_observed_at(text: str) -> datetime:
    """An ISO 8601 time with its offset (``2026-03-01T10:00:00+01:00``, ``…Z``) as aware UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(f"{text!r} is not an ISO 8601 time", field="observed_at") from None
    if value.tzinfo is None:
        raise InvalidValue(
            f"{text!r} has no UTC offset (add Z or +01:00)", field="observed_at"
        ) from None
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleCount:
    """A count that was not applied: the level holds a newer observation."""

    movement: Movement
    level_observed_at: datetime
    on_hand: int

    @property
    def message(self) -> str:
        m = self.movement
        return (
            f"{m.sku} in {m.warehouse}: observed_at {m.observed_at.isoformat()} is older than "
            f"the stored level's observed_at {self.level_observed_at.isoformat()}; "
            f"not applied (on hand stays {self.on_hand})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    """What recording movements did: newly applied ones and counts refused as stale.

    A movement whose idempotency key was already recorded is in neither list.
    """

    applied: list[Movement]
    stale: list[StaleCount]


class StaleObservation(Conflict):
    """A count observed before the stored level's last count: recorded as stale, not applied."""

    def __init__(self, stale: StaleCount) -> None:
        super().__init__(stale.message, field="observed_at")
        self.stale = stale
