"""The stock ledger: append-only movements, levels derived in the same transaction, once per key."""

from __future__ import annotations

import pytest
from db_helpers import T0, movement, on_hand, race, seed
from sqlalchemy import Engine, func, select

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.ledger import Movement, MovementKind
from omnistock.store.tables import stock_movements
from omnistock.store.unit_of_work import SqlUnitOfWork

ADJUST = MovementKind.ADJUST


def _record(engine: Engine, *moves: Movement) -> int:
    with SqlUnitOfWork(engine) as uow:
        applied = uow.stock.record(list(moves), recorded_at=T0)
        uow.commit()
    return len(applied)


def _ledger_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(stock_movements)).scalar_one())


def test_set_then_adjust_derives_the_level_and_records_on_hand_after(engine: Engine) -> None:
    seed(engine, ["A"])
    assert _record(engine, movement("A", 10, key="k1"), movement("A", -3, kind=ADJUST)) == 2
    assert on_hand(engine, "A") == {"main": 7}
    with SqlUnitOfWork(engine) as uow:
        ledger = uow.stock.movements(Sku("A"))
    assert [(m["kind"], m["quantity"], m["on_hand_after"]) for m in ledger] == [
        ("set", 10, 10),
        ("adjust", -3, 7),
    ]


def test_same_idempotency_key_is_applied_once(engine: Engine) -> None:
    seed(engine, ["A"])
    first = movement("A", 5, kind=ADJUST, key="order-1")
    assert _record(engine, first) == 1
    assert _record(engine, first) == 0
    assert _record(engine, movement("A", 99, key="order-1")) == 0  # same key, other content
    assert on_hand(engine, "A") == {"main": 5}
    assert _ledger_size(engine) == 1


def test_movements_without_key_are_each_applied(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 2, kind=ADJUST))
    _record(engine, movement("A", 2, kind=ADJUST))
    assert on_hand(engine, "A") == {"main": 4}


def test_adjustment_below_zero_is_refused_and_nothing_is_written(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 3, key="count"))
    with pytest.raises(InvalidValue) as error:
        _record(engine, movement("A", 1, kind=ADJUST, key="ok"), movement("A", -9, kind=ADJUST))
    assert error.value.field == "quantity"
    assert on_hand(engine, "A") == {"main": 3}
    assert _ledger_size(engine) == 1  # the valid first movement of the batch rolled back too


def test_adjusting_a_sku_never_counted_starts_from_zero(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 4, kind=ADJUST))
    assert on_hand(engine, "A") == {"main": 4}


def test_two_connections_applying_the_same_movement_apply_it_once(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 10, key="count"))
    results: list[int] = []

    def apply() -> None:
        results.append(_record(engine, movement("A", -4, kind=ADJUST, key="order-7")))

    assert race(apply) == []
    assert sorted(results) == [0, 1]
    assert on_hand(engine, "A") == {"main": 6}
    assert _ledger_size(engine) == 2


def test_concurrent_sales_both_count(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 10, key="count"))
    keys = iter(["sale-1", "sale-2"])

    def sell() -> None:
        _record(engine, movement("A", -4, kind=ADJUST, key=next(keys)))

    assert race(sell) == []
    assert on_hand(engine, "A") == {"main": 2}


def test_concurrent_sales_never_oversell(engine: Engine) -> None:
    seed(engine, ["A"])
    _record(engine, movement("A", 10, key="count"))
    keys = iter(["sale-1", "sale-2"])

    def sell() -> None:
        _record(engine, movement("A", -6, kind=ADJUST, key=next(keys)))

    errors = race(sell)
    assert [type(e) for e in errors] == [InvalidValue]
    assert on_hand(engine, "A") == {"main": 4}
    assert _ledger_size(engine) == 2


def test_a_batch_of_counts_applies_only_keys_not_seen(engine: Engine) -> None:
    seed(engine, ["A", "B", "C"])
    assert _record(engine, movement("B", 5, key="f1:B")) == 1
    batch = [movement("A", 1, key="f2:A"), movement("B", 9, key="f1:B"), movement("C", 3)]
    with SqlUnitOfWork(engine) as uow:
        applied = uow.stock.record(batch, recorded_at=T0)
        uow.commit()
    assert sorted(m.sku for m in applied) == ["A", "C"]
    assert {s: on_hand(engine, s) for s in "ABC"} == {
        "A": {"main": 1},
        "B": {"main": 5},
        "C": {"main": 3},
    }
    with SqlUnitOfWork(engine) as uow:
        assert [m["on_hand_after"] for m in uow.stock.movements(Sku("C"))] == [3]
