"""Ledger movements: set and adjust, never negative on hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku, WarehouseId
from omnistock.domain.ledger import (
    FUTURE_TOLERANCE,
    Movement,
    MovementKind,
    apply_movement,
    check_observed_at,
    is_stale,
    parse_observed_at,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def move(kind: MovementKind, quantity: int, **kwargs: object) -> Movement:
    return Movement(
        sku=Sku("X"),
        warehouse=WarehouseId("main"),
        kind=kind,
        quantity=quantity,
        observed_at=kwargs.pop("observed_at", NOW),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("on_hand", "kind", "quantity", "expected"),
    [
        (5, MovementKind.SET, 9, 9),  # a count replaces what was there
        (5, MovementKind.SET, 0, 0),  # counting zero is allowed
        (5, MovementKind.ADJUST, -5, 0),  # selling the last units
        (5, MovementKind.ADJUST, 3, 8),  # a delivery
        (0, MovementKind.ADJUST, 0, 0),  # a zero adjustment changes nothing
    ],
)
def test_apply_movement_table(
    on_hand: int, kind: MovementKind, quantity: int, expected: int
) -> None:
    assert apply_movement(on_hand, move(kind, quantity)) == expected


def test_adjust_below_zero_is_rejected() -> None:
    with pytest.raises(InvalidValue) as exc:
        apply_movement(2, move(MovementKind.ADJUST, -3))
    assert exc.value.field == "quantity"
    assert "-1" in str(exc.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": MovementKind.SET, "quantity": -1}, "quantity"),  # negative count
        ({"observed_at": datetime(2026, 1, 1)}, "observed_at"),  # noqa: DTZ001 — naive time
        ({"idempotency_key": "  "}, "idempotency_key"),  # blank key
    ],
)
def test_bad_movements_are_rejected(kwargs: dict[str, object], field: str) -> None:
    kind = kwargs.pop("kind", MovementKind.ADJUST)
    quantity = kwargs.pop("quantity", 1)
    with pytest.raises(InvalidValue) as exc:
        move(kind, quantity, **kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("kind", "level_seen", "stale"),
    [
        (MovementKind.SET, None, False),  # a level never counted accepts any count
        (MovementKind.SET, NOW, False),  # a tie is not stale: the later arrival wins
        (MovementKind.SET, NOW + timedelta(seconds=1), True),  # counted later than this one
        (MovementKind.ADJUST, NOW + timedelta(days=1), False),  # deltas are never stale
    ],
)
def test_is_stale(kind: MovementKind, level_seen: datetime | None, stale: bool) -> None:
    assert is_stale(move(kind, 1, observed_at=NOW), level_seen) is stale


def test_a_stale_movement_leaves_on_hand() -> None:
    assert apply_movement(7, move(MovementKind.STALE, 2)) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-03-01T11:00:00+01:00", datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ],
)
def test_parse_observed_at(text: str, expected: datetime) -> None:
    got = parse_observed_at(text)
    assert got == expected
    assert got.tzinfo is UTC


@pytest.mark.parametrize("text", ["2026-03-01T10:00:00", "yesterday", ""])
def test_parse_observed_at_names_the_field(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_observed_at(text)
    assert raised.value.field == "observed_at"


def test_check_observed_at_allows_clock_skew_but_not_the_future() -> None:
    check_observed_at(NOW + FUTURE_TOLERANCE, NOW)
    with pytest.raises(InvalidValue) as raised:
        check_observed_at(NOW + FUTURE_TOLERANCE + timedelta(seconds=1), NOW)
    assert raised.value.field == "observed_at"
